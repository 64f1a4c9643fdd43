package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GradientClippingTest {

    @Test
    void byValueClampsEachElement() {
        try (NDManager m = Engines.newManager()) {
            NDArray g = m.create(new float[] {-3f, 0.5f, 2f});
            GradientClipping.byValue(1f).clip(List.of(g));
            assertArrayEquals(new float[] {-1f, 0.5f, 1f}, g.toFloatArray(), 0f);
        }
    }

    @Test
    void byNormRescalesEachParameterToTheThreshold() {
        try (NDManager m = Engines.newManager()) {
            NDArray a = m.create(new float[] {3f, 4f}); // norm 5 -> scaled to 2
            NDArray b = m.create(new float[] {0.6f, 0.8f}); // norm 1 -> untouched
            GradientClipping.byNorm(2f).clip(List.of(a, b));
            assertArrayEquals(new float[] {1.2f, 1.6f}, a.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.6f, 0.8f}, b.toFloatArray(), 0f);
        }
    }

    @Test
    void byGlobalNormScalesAllTogether() {
        try (NDManager m = Engines.newManager()) {
            NDArray a = m.create(new float[] {3f, 0f});
            NDArray b = m.create(new float[][] {{0f, 4f}, {0f, 12f}}); // global norm sqrt(9+16+144) = 13
            GradientClipping.byGlobalNorm(6.5f).clip(List.of(a, b));
            assertArrayEquals(new float[] {1.5f, 0f}, a.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0f, 2f, 0f, 6f}, b.toFloatArray(), 1e-6f);
            double norm = Math.sqrt(1.5 * 1.5 + 2 * 2 + 6 * 6);
            assertEquals(6.5, norm, 1e-6);
            // within the limit: untouched
            NDArray c = m.create(new float[] {1f, 1f});
            GradientClipping.byGlobalNorm(6.5f).clip(List.of(c));
            assertArrayEquals(new float[] {1f, 1f}, c.toFloatArray(), 0f);
        }
    }

    @Test
    void thresholdMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradientClipping.byNorm(-1f));
        assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
    }
}
