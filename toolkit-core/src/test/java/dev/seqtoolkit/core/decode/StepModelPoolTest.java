package dev.seqtoolkit.core.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Lending: one model per caller from a factory, or one thread-safe model to all callers at once. */
class StepModelPoolTest {

    /** A model that only counts closes. */
    private static final class Counted implements StepModel {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public int vocabSize() {
            return 1;
        }

        @Override
        public DecoderState encode(List<int[]> sourceIds) {
            throw new UnsupportedOperationException();
        }

        @Override
        public StepOutput step(DecoderState state, int[] previousTokens) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void concurrentPoolLendsTheOneModelToCallersAtTheSameTime() throws Exception {
        Counted model = new Counted();
        StepModelPool pool = StepModelPool.concurrent(model, "summarizer");
        CountDownLatch bothInside = new CountDownLatch(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<StepModel>> lent = List.of(
                    threads.submit(() -> pool.with(m -> await(bothInside, m))),
                    threads.submit(() -> pool.with(m -> await(bothInside, m))));
            for (Future<StepModel> f : lent) {
                assertSame(model, f.get(10, TimeUnit.SECONDS), "both callers hold the model at once");
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, pool.size());
        pool.close();
        pool.close();
        assertEquals(1, model.closes.get(), "closed once, with the pool");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.with(m -> m));
        assertTrue(e.getMessage().contains("summarizer is closed"), e.getMessage());
    }

    /** Counts down and waits until the other caller is inside too; a pool that serializes would time out. */
    private static StepModel await(CountDownLatch latch, StepModel m) {
        latch.countDown();
        try {
            if (!latch.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("the other caller never got the model while this one held it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return m;
    }

    @Test
    void factoryPoolMakesModelsOnDemandUpToItsLimitAndClosesThemAll() {
        Counted[] made = new Counted[3];
        AtomicInteger count = new AtomicInteger();
        StepModelPool pool = new StepModelPool(() -> made[count.getAndIncrement()] = new Counted(), 3, "translator");
        StepModel outer = pool.with(a -> pool.with(b -> {
            assertTrue(a != b, "a nested caller gets a second model");
            return a;
        }));
        assertEquals(2, pool.size());
        assertSame(outer, pool.with(m -> m), "an idle model is lent again before a new one is made");
        pool.close();
        assertEquals(1, made[0].closes.get());
        assertEquals(1, made[1].closes.get());
    }
}
