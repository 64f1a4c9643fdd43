package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;

class OptimizerTest {
    private NDManager manager;
    private final Linear unbound = Linear.builder().setUnits(1).build(); // only used to bind; ids fall back to names

    @BeforeEach
    void open() {
        manager = Engines.newManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private float[] run(CheckpointableOptimizer optimizer, float[] w0, float[][] grads, float lr) {
        NDArray weight = manager.create(w0);
        for (float[] g : grads) {
            try (NDArray grad = manager.create(g)) {
                optimizer.setLearningRate(lr);
                optimizer.update("w", weight, grad);
            }
        }
        return weight.toFloatArray();
    }

    @Test
    void adamMatchesAHandComputedTwoStepUpdate() {
        AdamOptimizer adam = AdamOptimizer.builder().optBeta1(0.9f).optBeta2(0.999f).optEpsilon(1e-8f).build();
        adam.bind(unbound, manager);
        float[] w0 = {1.0f, -2.0f, 0.5f};
        float[][] grads = {{0.5f, -1.0f, 2.0f}, {0.1f, 0.3f, -4.0f}};
        float lr = 0.1f;
        float[] actual = run(adam, w0, grads, lr);
        // by hand, in double: m, v, bias corrections
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            double w = w0[i];
            double m = 0;
            double v = 0;
            for (int t = 1; t <= 2; t++) {
                double g = grads[t - 1][i];
                m = 0.9 * m + 0.1 * g;
                v = 0.999 * v + 0.001 * g * g;
                double mHat = m / (1 - Math.pow(0.9, t));
                double vHat = v / (1 - Math.pow(0.999, t));
                w -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
            }
            expected[i] = w;
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], actual[i], 1e-6, "element " + i);
        }
        // first step of Adam moves each weight by lr * sign(g): a sanity anchor for the formula
        assertEquals(2, adam.stepCount("w"));
    }

    @Test
    void sgdWithMomentumAndWeightDecayMatchesHandComputation() {
        SgdOptimizer sgd = SgdOptimizer.builder().optMomentum(0.5f).optWeightDecays(0.1f).build();
        sgd.bind(unbound, manager);
        float[] actual = run(sgd, new float[] {1f}, new float[][] {{2f}, {-1f}}, 0.1f);
        // step 1: g = 2 + 0.1*1 = 2.1; b = 2.1; w = 1 - 0.21 = 0.79
        // step 2: g = -1 + 0.079 = -0.921; b = 1.05 - 0.921 = 0.129; w = 0.79 - 0.0129 = 0.7771
        assertEquals(0.7771, actual[0], 1e-6);
    }

    @Test
    void savedStateContinuesExactly() throws IOException {
        float[] w0 = {0.3f, -0.7f};
        float[][] grads = {{1f, 2f}, {-3f, 0.5f}, {0.25f, -1f}};
        AdamOptimizer straight = AdamOptimizer.builder().build();
        straight.bind(unbound, manager);
        float[] expected = run(straight, w0, grads, 0.01f);

        AdamOptimizer first = AdamOptimizer.builder().build();
        first.bind(unbound, manager);
        NDArray weight = manager.create(w0);
        first.setLearningRate(0.01f);
        first.update("w", weight, manager.create(grads[0]));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        first.saveState(new DataOutputStream(bytes));

        AdamOptimizer second = AdamOptimizer.builder().build();
        second.bind(unbound, manager);
        second.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), "test");
        assertEquals(1, second.stepCount("w"));
        second.setLearningRate(0.01f);
        second.update("w", weight, manager.create(grads[1]));
        second.update("w", weight, manager.create(grads[2]));
        assertArrayEquals(expected, weight.toFloatArray(), 0f);

        SgdOptimizer sgd = SgdOptimizer.builder().optMomentum(0.9f).build();
        sgd.bind(unbound, manager);
        IOException e = assertThrows(IOException.class,
                () -> sgd.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), "opt.bin"));
        assertTrue(e.getMessage().contains("opt.bin") && e.getMessage().contains("adam"), e.getMessage());
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdamOptimizer.builder().optBeta1(1.5f).build());
        assertTrue(e.getMessage().contains("beta1") && e.getMessage().contains("1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SgdOptimizer.builder().optClipGrad(1f).build());
        assertTrue(e.getMessage().contains("GradientClipping"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SgdOptimizer.builder().optWeightDecays(-1f).build());
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        AdamOptimizer adam = AdamOptimizer.builder().build();
        e = assertThrows(IllegalArgumentException.class, () -> adam.setLearningRate(Float.NaN));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        try (NDArray w = manager.zeros(new Shape(1), DataType.FLOAT32)) {
            assertThrows(IllegalStateException.class, () -> adam.update("w", w, w));
        }
    }
}
