package dev.seqtoolkit.core.decode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Lends step models to one caller at a time, since a step model (the DJL one included) is not
 * thread-safe. With a factory, a caller that finds no idle model gets a new one, up to
 * {@code maxModels}; otherwise it waits for one to come back. With a single given model every call
 * waits its turn. Every model made is closed with the pool. This is how a task API over a step
 * model (a translator, a summarizer) is safe to call from many threads.
 */
public final class StepModelPool implements AutoCloseable {
    private final Supplier<? extends StepModel> factory;
    private final int maxModels;
    private final Deque<StepModel> idle = new ArrayDeque<>();
    private final List<StepModel> all = new ArrayList<>();
    private final String owner;
    private final StepModel concurrent;
    private boolean closed;

    /**
     * A pool of exactly one model.
     *
     * @param owner what the pool serves, for the message after closing (e.g. "translator")
     */
    public StepModelPool(StepModel model, String owner) {
        this.owner = owner;
        this.factory = null;
        this.maxModels = 1;
        this.concurrent = null;
        all.add(model);
        idle.push(model);
    }

    private StepModelPool(String owner, StepModel threadSafe) {
        this.owner = owner;
        this.factory = null;
        this.maxModels = 1;
        this.concurrent = threadSafe;
        all.add(threadSafe);
    }

    /**
     * A pool that lends one thread-safe model (such as {@code OrtStepModel}) to every caller at once,
     * and closes it with the pool.
     *
     * @param owner what the pool serves, for the message after closing (e.g. "summarizer")
     */
    public static StepModelPool concurrent(StepModel threadSafe, String owner) {
        return new StepModelPool(owner, java.util.Objects.requireNonNull(threadSafe, "threadSafe"));
    }

    /**
     * A pool that makes up to {@code maxModels} models on demand.
     *
     * @param owner what the pool serves, for the message after closing (e.g. "summarizer")
     */
    public StepModelPool(Supplier<? extends StepModel> factory, int maxModels, String owner) {
        this.owner = owner;
        this.concurrent = null;
        if (maxModels < 1) {
            throw new IllegalArgumentException("a step model pool needs at least one model, got " + maxModels);
        }
        this.factory = factory;
        this.maxModels = maxModels;
    }

    /** Runs {@code use} with a model that no other thread uses meanwhile. */
    public <T> T with(Function<StepModel, T> use) {
        if (concurrent != null) {
            synchronized (this) {
                check();
            }
            return use.apply(concurrent);
        }
        StepModel model = borrow();
        try {
            return use.apply(model);
        } finally {
            release(model);
        }
    }

    private synchronized StepModel borrow() {
        while (idle.isEmpty()) {
            check();
            if (all.size() < maxModels) {
                StepModel made = factory.get();
                all.add(made);
                return made;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a free step model", e);
            }
        }
        check();
        return idle.pop();
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("the " + owner + " is closed");
        }
    }

    private synchronized void release(StepModel model) {
        idle.push(model);
        notifyAll();
    }

    /** @return how many models were made so far */
    public synchronized int size() {
        return all.size();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (StepModel m : all) {
            try {
                m.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        notifyAll();
        if (failure != null) {
            throw failure;
        }
    }
}
