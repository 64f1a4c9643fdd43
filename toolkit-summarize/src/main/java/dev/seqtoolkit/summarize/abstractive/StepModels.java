package dev.seqtoolkit.summarize.abstractive;

import dev.seqtoolkit.core.decode.StepModel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Lends step models to one caller at a time (a DJL step model is not thread-safe): a caller that
 * finds none idle gets a new one over the same weights, up to {@code maxModels}, else waits. Closing
 * closes every model made.
 */
final class StepModels implements AutoCloseable {
    private final Supplier<? extends StepModel> factory;
    private final int maxModels;
    private final Deque<StepModel> idle = new ArrayDeque<>();
    private final List<StepModel> all = new ArrayList<>();
    private boolean closed;

    StepModels(Supplier<? extends StepModel> factory, int maxModels) {
        if (maxModels < 1) {
            throw new IllegalArgumentException("at least one step model is needed, got " + maxModels);
        }
        this.factory = factory;
        this.maxModels = maxModels;
    }

    /** Runs {@code use} with a model no other thread uses meanwhile. */
    <T> T with(Function<StepModel, T> use) {
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
            throw new IllegalStateException("the summarizer is closed");
        }
    }

    private synchronized void release(StepModel model) {
        idle.push(model);
        notifyAll();
    }

    /** @return how many models were made so far */
    synchronized int size() {
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
