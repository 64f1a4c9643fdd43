package dev.seqtoolkit.core.host;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class HostKernelsTest {
    private static float[] random(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    @Test
    void bothKernelsMultiplyLikeTheDefinitionAtOddSizes() {
        Random random = new Random(7);
        for (HostKernels kernels : new HostKernels[] {HostKernels.scalar(), HostKernels.best()}) {
            for (int[] size : new int[][] {{1, 1}, {3, 5}, {67, 7}, {129, 33}}) {
                int rows = size[0];
                int cols = size[1];
                float[] w = random(random, rows * cols);
                float[] x = random(random, cols + 2);
                float[] y = random(random, rows + 3);
                float[] before = y.clone();
                PackedMatrix packed = PackedMatrix.pack(w, rows, cols, kernels);
                kernels.multiply(packed, x, 2, y, 1, true);
                for (int r = 0; r < rows; r++) {
                    double expected = before[1 + r];
                    for (int c = 0; c < cols; c++) {
                        expected += (double) w[r * cols + c] * x[2 + c];
                    }
                    assertEquals(expected, y[1 + r], 1e-4, kernels.name() + " row " + r + " of " + rows + "x" + cols);
                }
                assertEquals(before[0], y[0], 0f, "values before the offset are untouched");
                assertEquals(before[rows + 1], y[rows + 1], 0f, "values after the output are untouched");
                kernels.multiply(packed, x, 2, y, 1, false);
                double first = 0;
                for (int c = 0; c < cols; c++) {
                    first += (double) w[c] * x[2 + c];
                }
                assertEquals(first, y[1], 1e-4, "overwrite mode ignores the previous value");
            }
        }
    }

    @Test
    void activationsMatchTheDefinition() {
        float[] values = {-30f, -4.5f, -1f, -0.1f, 0f, 0.3f, 1f, 2.5f, 9f, 40f, 0.7f, -0.7f, 3f, -3f, 0.01f, 6f, -6f};
        for (HostKernels kernels : new HostKernels[] {HostKernels.scalar(), HostKernels.best()}) {
            float[] s = values.clone();
            float[] t = values.clone();
            kernels.sigmoid(s, 0, s.length);
            kernels.tanh(t, 0, t.length);
            for (int i = 0; i < values.length; i++) {
                assertEquals(1.0 / (1.0 + Math.exp(-values[i])), s[i], 1e-6, kernels.name() + " sigmoid " + values[i]);
                assertEquals(Math.tanh(values[i]), t[i], 1e-6, kernels.name() + " tanh " + values[i]);
            }
        }
        float[] one = {1f};
        HostKernels.best().tanh(one, 0, 1);
        assertEquals(0.7615942f, one[0], 1e-6f, "tanh(1)");
    }

    @Test
    void maxIsMathMaxOverTheRangeAtOddSizesWithNanAndInfinities() {
        java.util.Random random = new java.util.Random(5);
        for (HostKernels kernels : new HostKernels[] {HostKernels.scalar(), HostKernels.best()}) {
            for (int length : new int[] {0, 1, 3, 17, 64, 129, 8003}) {
                float[] a = new float[length + 7];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) random.nextGaussian() * 10;
                }
                a[0] = 1e9f; // outside the range [3, 3 + length): must be ignored
                float expected = Float.NEGATIVE_INFINITY;
                for (int i = 3; i < 3 + length; i++) {
                    expected = Math.max(expected, a[i]);
                }
                assertEquals(expected, kernels.max(a, 3, length), kernels.name() + " length " + length);
                if (length > 0) {
                    a[3 + length - 1] = Float.POSITIVE_INFINITY;
                    assertEquals(Float.POSITIVE_INFINITY, kernels.max(a, 3, length));
                    a[3 + length / 2] = Float.NaN;
                    assertTrue(Float.isNaN(kernels.max(a, 3, length)), kernels.name() + ": NaN wins, length " + length);
                }
            }
        }
    }

    @Test
    void indexOfFindsTheFirstEqualElementInsideTheRangeOnly() {
        Random random = new Random(9);
        for (HostKernels kernels : new HostKernels[] {HostKernels.scalar(), HostKernels.best()}) {
            for (int length : new int[] {0, 1, 5, 16, 17, 63, 130, 8003}) {
                float[] a = new float[length + 9];
                for (int i = 0; i < a.length; i++) {
                    a[i] = random.nextInt(7); // many repeats
                }
                for (float value : new float[] {0f, 3f, 6f, 42f}) {
                    int expected = -1;
                    for (int i = 0; i < length; i++) {
                        if (a[4 + i] == value) {
                            expected = i;
                            break;
                        }
                    }
                    assertEquals(expected, kernels.indexOf(a, 4, length, value),
                            kernels.name() + " length " + length + " value " + value);
                }
                a[2] = 42f; // before the range
                a[4 + length] = 42f; // just after it
                assertEquals(-1, kernels.indexOf(a, 4, length, 42f), kernels.name() + " outside, length " + length);
                if (length > 0) {
                    a[4 + length - 1] = 42f; // the very last element, in the scalar tail or the last vector
                    assertEquals(length - 1, kernels.indexOf(a, 4, length, 42f), kernels.name() + " last");
                    a[4] = -0f;
                    assertEquals(0, kernels.indexOf(a, 4, length, 0f), kernels.name() + ": -0 equals 0");
                    a[4] = Float.NaN;
                    assertEquals(-1, kernels.indexOf(a, 4, 1, Float.NaN), kernels.name() + ": NaN never matches");
                }
            }
        }
    }

    @Test
    void packingRejectsWrongSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(new float[5], 2, 3, HostKernels.scalar()));
        assertTrue(e.getMessage().contains("2 x 3"), e.getMessage());
        PackedMatrix packed = PackedMatrix.pack(new float[6], 2, 3, HostKernels.scalar());
        if (HostKernels.best().panelRows() != HostKernels.scalar().panelRows()) {
            assertThrows(IllegalArgumentException.class,
                    () -> HostKernels.best().multiply(packed, new float[3], 0, new float[2], 0, false));
        }
    }
}
