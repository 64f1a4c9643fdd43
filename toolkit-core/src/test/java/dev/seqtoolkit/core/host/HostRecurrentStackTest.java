package dev.seqtoolkit.core.host;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Checks the host stack against the gate equations written out in double precision. */
class HostRecurrentStackTest {
    private static float[] random(Random random, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextGaussian() * scale);
        }
        return a;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double[] affine(float[] w, float[] b, double[] x, int rows) {
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = b[r];
            for (int c = 0; c < x.length; c++) {
                s += w[r * x.length + c] * x[c];
            }
            y[r] = s;
        }
        return y;
    }

    @Test
    void lstmTwoLayersFollowsTheGateEquations() {
        Random random = new Random(11);
        int in = 7;
        int hidden = 5;
        float[][] w = new float[8][];
        HostRecurrentStack.Builder builder = HostRecurrentStack.builder(HostRecurrentStack.Cell.LSTM);
        for (int l = 0; l < 2; l++) {
            int layerIn = l == 0 ? in : hidden;
            w[4 * l] = random(random, 4 * hidden * layerIn, 0.5);
            w[4 * l + 1] = random(random, 4 * hidden * hidden, 0.5);
            w[4 * l + 2] = random(random, 4 * hidden, 0.5);
            w[4 * l + 3] = random(random, 4 * hidden, 0.5);
            builder.addLayer(layerIn, hidden, w[4 * l], w[4 * l + 1], w[4 * l + 2], w[4 * l + 3]);
        }
        HostRecurrentStack stack = builder.build();
        HostRecurrentStack.State state = stack.newState();
        double[][] h = new double[2][hidden];
        double[][] c = new double[2][hidden];
        for (int t = 0; t < 3; t++) {
            float[] x = random(random, in, 1.0);
            stack.step(state, x);
            double[] input = new double[in];
            for (int i = 0; i < in; i++) {
                input[i] = x[i];
            }
            for (int l = 0; l < 2; l++) {
                double[] a = affine(w[4 * l], w[4 * l + 2], input, 4 * hidden);
                double[] b = affine(w[4 * l + 1], w[4 * l + 3], h[l], 4 * hidden);
                for (int j = 0; j < hidden; j++) {
                    double i = sigmoid(a[j] + b[j]);
                    double f = sigmoid(a[hidden + j] + b[hidden + j]);
                    double g = Math.tanh(a[2 * hidden + j] + b[2 * hidden + j]);
                    double o = sigmoid(a[3 * hidden + j] + b[3 * hidden + j]);
                    c[l][j] = f * c[l][j] + i * g;
                    h[l][j] = o * Math.tanh(c[l][j]);
                }
                input = h[l].clone();
            }
            for (int l = 0; l < 2; l++) {
                for (int j = 0; j < hidden; j++) {
                    assertEquals(h[l][j], state.hidden(l)[j], 1e-5, "h step " + t + " layer " + l + " unit " + j);
                    assertEquals(c[l][j], state.cell(l)[j], 1e-5, "c step " + t + " layer " + l + " unit " + j);
                }
            }
        }
    }

    @Test
    void gruAppliesResetInsideTheRecurrentCandidate() {
        Random random = new Random(5);
        int in = 3;
        int hidden = 4;
        float[] wIh = random(random, 3 * hidden * in, 0.6);
        float[] wHh = random(random, 3 * hidden * hidden, 0.6);
        float[] bIh = random(random, 3 * hidden, 0.6);
        float[] bHh = random(random, 3 * hidden, 0.6);
        HostRecurrentStack stack = HostRecurrentStack.builder(HostRecurrentStack.Cell.GRU)
                .addLayer(in, hidden, wIh, wHh, bIh, bHh)
                .build();
        HostRecurrentStack.State state = stack.newState();
        double[] h = new double[hidden];
        for (int t = 0; t < 4; t++) {
            float[] x = random(random, in, 1.0);
            stack.step(state, x);
            double[] input = {x[0], x[1], x[2]};
            double[] a = affine(wIh, bIh, input, 3 * hidden);
            double[] b = affine(wHh, bHh, h, 3 * hidden);
            double[] next = new double[hidden];
            for (int j = 0; j < hidden; j++) {
                double r = sigmoid(a[j] + b[j]);
                double z = sigmoid(a[hidden + j] + b[hidden + j]);
                double n = Math.tanh(a[2 * hidden + j] + r * b[2 * hidden + j]);
                next[j] = (1 - z) * n + z * h[j];
            }
            h = next;
            for (int j = 0; j < hidden; j++) {
                assertEquals(h[j], state.output()[j], 1e-5, "step " + t + " unit " + j);
            }
        }
    }

    @Test
    void oneHotTableStepEqualsDenseStep() {
        Random random = new Random(3);
        int vocab = 9;
        int hidden = 6;
        HostRecurrentStack stack = HostRecurrentStack.builder(HostRecurrentStack.Cell.LSTM)
                .addLayer(vocab, hidden, random(random, 4 * hidden * vocab, 0.5), random(random, 4 * hidden * hidden, 0.5),
                        random(random, 4 * hidden, 0.5), random(random, 4 * hidden, 0.5))
                .build();
        float[] table = stack.oneHotProjectionTable();
        HostRecurrentStack.State dense = stack.newState();
        HostRecurrentStack.State looked = stack.newState();
        int[] tokens = {4, 0, 8, 4, 2};
        for (int token : tokens) {
            float[] x = new float[vocab];
            x[token] = 1f;
            stack.step(dense, x);
            stack.stepProjected(looked, table, token * 4 * hidden);
        }
        assertArrayEquals(dense.output(), looked.output(), 1e-6f);
        assertArrayEquals(dense.cell(0), looked.cell(0), 1e-6f);
    }

    @Test
    void mismatchedLayersAreRejectedWithSizes() {
        HostRecurrentStack.Builder builder = HostRecurrentStack.builder(HostRecurrentStack.Cell.GRU)
                .addLayer(2, 3, new float[18], new float[27], new float[9], new float[9]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder.addLayer(4, 3, new float[36], new float[27], new float[9], new float[9]));
        assertTrue(e.getMessage().contains("4") && e.getMessage().contains("3"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> HostRecurrentStack.builder(HostRecurrentStack.Cell.LSTM).addLayer(2, 3, new float[5], new float[36],
                        new float[12], new float[12]));
    }
}
