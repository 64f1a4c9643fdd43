package dev.seqtoolkit.core.train;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class LearningRateScheduleTest {
    private static float[] rates(LearningRateSchedule s, int n) {
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = s.rate(i);
        }
        return r;
    }

    @Test
    void fixedStepAndExponential() {
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, rates(LearningRateSchedule.fixed(0.5f), 3));
        assertArrayEquals(new float[] {1f, 1f, 0.5f, 0.5f, 0.25f},
                rates(LearningRateSchedule.stepDecay(1f, 2, 0.5f), 5));
        float[] exp = rates(LearningRateSchedule.exponentialDecay(1f, 0.5f, 2), 5);
        assertArrayEquals(new float[] {1f, (float) Math.sqrt(0.5), 0.5f, (float) (0.5 * Math.sqrt(0.5)), 0.25f}, exp, 1e-7f);
    }

    @Test
    void warmupRampsLinearlyThenFollowsTheInnerSchedule() {
        LearningRateSchedule s = LearningRateSchedule.warmup(LearningRateSchedule.stepDecay(1f, 4, 0.5f), 4);
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 1f, 0.5f, 0.5f}, rates(s, 6));
    }

    @Test
    void reduceOnPlateauWithPatienceFactorAndFloor() {
        LearningRateSchedule s = LearningRateSchedule.reduceOnPlateau(1f, "loss", MetricMode.MIN, 1, 0.5f, 0.3f);
        double[] devLoss = {5, 4, 4.5, 4.2, 3, 3.5, 3.5, 3.6, 3.7};
        float[] expected = {1, 1, 1, 0.5f, 0.5f, 0.5f, 0.3f, 0.3f, 0.3f};
        for (int i = 0; i < devLoss.length; i++) {
            s.onEvaluation(Map.of("loss", devLoss[i]));
            assertEquals(expected[i], s.rate(1000), 0f, "after evaluation " + i);
        }
        // state round trip continues identically
        LearningRateSchedule copy = LearningRateSchedule.reduceOnPlateau(1f, "loss", MetricMode.MIN, 1, 0.5f, 0.3f);
        copy.restore(s.state());
        assertEquals(0.3f, copy.rate(0), 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.onEvaluation(Map.of("accuracy", 1.0)));
        assertTrue(e.getMessage().contains("'loss'"), e.getMessage());
    }

    @Test
    void badArgumentsNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.fixed(0f));
        assertTrue(e.getMessage().contains("rate") && e.getMessage().contains("0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.stepDecay(1f, 0, 0.5f));
        assertTrue(e.getMessage().contains("stepSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.reduceOnPlateau(1f, "loss", MetricMode.MIN, 1, 1.5f, 0f));
        assertTrue(e.getMessage().contains("factor") && e.getMessage().contains("1.5"), e.getMessage());
    }
}
