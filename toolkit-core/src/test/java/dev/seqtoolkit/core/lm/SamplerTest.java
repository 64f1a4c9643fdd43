package dev.seqtoolkit.core.lm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SamplerTest {
    private static final float[] LOGITS = {0.5f, 2.0f, -1.0f, 1.0f, 1.9f};

    @Test
    void greedyTakesTheMaximumAndTopOneIsGreedy() {
        assertEquals(1, Sampler.greedy().next(LOGITS, LOGITS.length));
        Sampler topOne = Sampler.sampling(5.0, 1, 3);
        for (int i = 0; i < 50; i++) {
            assertEquals(1, topOne.next(LOGITS, LOGITS.length));
        }
        assertEquals(0, Sampler.argMax(new float[] {3f, 3f, 1f}, 3), "ties go to the lowest id");
    }

    @Test
    void samplingFrequenciesFollowTheTemperedSoftmax() {
        double temperature = 0.8;
        Sampler sampler = Sampler.sampling(temperature, 0, 42);
        int n = 200_000;
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < n; i++) {
            counts[sampler.next(LOGITS, LOGITS.length)]++;
        }
        double[] p = Sampler.softmax(LOGITS, temperature);
        for (int i = 0; i < p.length; i++) {
            double sd = Math.sqrt(p[i] * (1 - p[i]) / n);
            assertEquals(p[i], counts[i] / (double) n, 5 * sd + 1e-9, "token " + i);
        }
    }

    @Test
    void topKNeverPicksOutsideTheK() {
        Sampler sampler = Sampler.sampling(10.0, 2, 1);
        boolean sawSecond = false;
        for (int i = 0; i < 2000; i++) {
            int t = sampler.next(LOGITS, LOGITS.length);
            assertTrue(t == 1 || t == 4, "top-2 are ids 1 and 4, got " + t);
            sawSecond |= t == 4;
        }
        assertTrue(sawSecond, "at temperature 10 the second token must appear");
    }

    @Test
    void sameSeedSameChoices() {
        Sampler a = Sampler.sampling(1.0, 3, 9);
        Sampler b = Sampler.sampling(1.0, 3, 9);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.next(LOGITS, 5), b.next(LOGITS, 5));
        }
    }

    @Test
    void invalidSettingsNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sampler.sampling(0, 0, 1));
        assertTrue(e.getMessage().contains("0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sampler.sampling(1, -2, 1));
        assertTrue(e.getMessage().contains("-2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sampler.sampling(Double.NaN, 0, 1));
    }
}
