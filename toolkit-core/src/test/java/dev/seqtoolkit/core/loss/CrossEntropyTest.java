package dev.seqtoolkit.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CrossEntropyTest {
    // logits of 3 positions over 4 classes, and the labels
    private static final float[] LOGITS = {1f, 2f, 0.5f, -1f, 0f, 0f, 0f, 0f, 3f, -2f, 1f, 0.25f};
    private static final long[] LABELS = {1, 3, 0};

    private static double logSumExp(int row) {
        double s = 0;
        for (int v = 0; v < 4; v++) {
            s += Math.exp(LOGITS[row * 4 + v]);
        }
        return Math.log(s);
    }

    private static double nll(int row) {
        return logSumExp(row) - LOGITS[row * 4 + (int) LABELS[row]];
    }

    @Test
    void summedMaskedLossMatchesHandComputation() {
        try (NDManager m = Engines.newManager()) {
            NDArray logits = m.create(LOGITS, new Shape(3, 4));
            NDArray labels = m.create(LABELS);
            double all = nll(0) + nll(1) + nll(2);
            assertEquals(all, CrossEntropy.plain().sum(logits, labels, null).getFloat(), 1e-5);
            NDArray mask = m.create(new float[] {1f, 0f, 1f});
            assertEquals(nll(0) + nll(2), CrossEntropy.plain().sum(logits, labels, mask).getFloat(), 1e-5);
            // the uniform row: log 4 exactly
            assertEquals(Math.log(4), nll(1), 1e-12);
        }
    }

    @Test
    void labelSmoothingSpreadsMassOverTheVocabulary() {
        try (NDManager m = Engines.newManager()) {
            NDArray logits = m.create(LOGITS, new Shape(1, 3, 4)); // (batch, time, V)
            NDArray labels = m.create(LABELS, new Shape(1, 3));
            float eps = 0.1f;
            double expected = 0;
            for (int row = 0; row < 3; row++) {
                double uniform = 0;
                for (int v = 0; v < 4; v++) {
                    uniform += logSumExp(row) - LOGITS[row * 4 + v];
                }
                expected += (1 - eps) * nll(row) + eps * uniform / 4;
            }
            assertEquals(expected, CrossEntropy.smoothed(eps).sum(logits, labels, null).getFloat(), 1e-5);
        }
    }

    @Test
    void gradientIsSoftmaxMinusOneHotOnUnmaskedRows() {
        try (NDManager m = Engines.newManager()) {
            NDArray logits = m.create(LOGITS, new Shape(3, 4));
            logits.setRequiresGradient(true);
            NDArray mask = m.create(new float[] {1f, 1f, 0f});
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                gc.backward(CrossEntropy.plain().sum(logits, m.create(LABELS), mask));
            }
            float[] grad = logits.getGradient().toFloatArray();
            for (int row = 0; row < 3; row++) {
                for (int v = 0; v < 4; v++) {
                    double p = Math.exp(LOGITS[row * 4 + v] - logSumExp(row));
                    double expected = row == 2 ? 0 : p - (v == LABELS[row] ? 1 : 0);
                    assertEquals(expected, grad[row * 4 + v], 1e-5, "row " + row + " class " + v);
                }
            }
        }
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        try (NDManager m = Engines.newManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CrossEntropy.plain().sum(m.zeros(new Shape(3, 4)), m.create(new long[] {1, 2}), null));
            assertTrue(e.getMessage().contains("(3, 4)") && e.getMessage().contains("(2)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CrossEntropy.smoothed(1f));
        }
    }
}
