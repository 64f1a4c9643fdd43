package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Pooling at odd sizes: batch 3, srcLen 5, dim 7; lengths 5, 2 and 0 (a fully masked row). */
class PoolingTest {

    static final int B = 3;
    static final int S = 5;
    static final int D = 7;
    static final int[] LENGTHS = {5, 2, 0};

    NDManager manager;
    Random random;

    @BeforeEach
    void open() {
        manager = Engines.newManager();
        random = new Random(3);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static double expected(Pooling kind, float[] states, int b, int d) {
        int n = LENGTHS[b];
        if (n == 0) {
            return 0;
        }
        double acc = kind == Pooling.MAX ? Double.NEGATIVE_INFINITY : 0;
        for (int j = 0; j < n; j++) {
            double x = states[(b * S + j) * D + d];
            switch (kind) {
                case MAX:
                    acc = Math.max(acc, x);
                    break;
                case MEAN:
                    acc += x / n;
                    break;
                default:
                    acc = x; // the last real position wins
            }
        }
        return acc;
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void poolsRealPositionsOnly(Pooling kind) {
        // padded positions hold +-100 so that they would dominate max and mean if they leaked
        NDArray base = Arrays3.random(manager, random, DataType.FLOAT32, B, S, D);
        float[] values = base.toFloatArray();
        for (int b = 0; b < B; b++) {
            for (int j = LENGTHS[b]; j < S; j++) {
                for (int d = 0; d < D; d++) {
                    values[(b * S + j) * D + d] = d % 2 == 0 ? 100f : -100f;
                }
            }
        }
        NDArray states = manager.create(values, new Shape(B, S, D));
        NDArray mask = Arrays3.mask(manager, DataType.INT32, S, LENGTHS);
        try (NDArray pooled = kind.pool(states, mask)) {
            assertEquals(new Shape(B, D), pooled.getShape());
            float[] p = pooled.toFloatArray();
            for (int b = 0; b < B; b++) {
                for (int d = 0; d < D; d++) {
                    assertEquals(expected(kind, values, b, d), p[b * D + d], 1e-5, kind + " at " + b + "," + d);
                }
            }
        }
    }

    @Test
    void nullMaskUsesEveryPosition() {
        NDArray states = Arrays3.random(manager, random, DataType.FLOAT32, B, S, D);
        float[] v = states.toFloatArray();
        try (NDArray last = Pooling.LAST.pool(states, null)) {
            float[] p = last.toFloatArray();
            for (int b = 0; b < B; b++) {
                for (int d = 0; d < D; d++) {
                    assertEquals(v[(b * S + S - 1) * D + d], p[b * D + d], 0f);
                }
            }
        }
    }

    @Test
    void attentionPoolingShapesMaskAndGradient() {
        AttentionPooling pooling = AttentionPooling.builder().setInputDim(D).setHiddenDim(4).build();
        pooling.initialize(manager, DataType.FLOAT64);
        NDArray states = Arrays3.random(manager, random, DataType.FLOAT64, B, S, D);
        NDArray mask = Arrays3.mask(manager, DataType.FLOAT64, S, 5, 2, 3);
        ParameterStore ps = new ParameterStore(manager, false);
        try (PoolingResult r = pooling.pool(ps, states, mask, false)) {
            assertEquals(new Shape(B, D), r.pooled().getShape());
            assertEquals(new Shape(B, S), r.weights().getShape());
            double[] w = r.weights().toDoubleArray();
            int[] lengths = {5, 2, 3};
            for (int b = 0; b < B; b++) {
                double sum = 0;
                for (int j = 0; j < S; j++) {
                    if (j >= lengths[b]) {
                        assertEquals(0, Double.compare(0.0, w[b * S + j]), "padded weight " + w[b * S + j]);
                    }
                    sum += w[b * S + j];
                }
                assertEquals(1.0, sum, 1e-6);
            }
        }
        NDArray rp = Arrays3.random(manager, random, DataType.FLOAT64, B, D);
        NDArray rw = Arrays3.random(manager, random, DataType.FLOAT64, B, S);
        GradientCheck.Loss loss =
                (store, training) -> {
                    try (PoolingResult r = pooling.pool(store, states, mask, training)) {
                        return r.pooled().mul(rp).sum().add(r.weights().mul(rw).sum());
                    }
                };
        int compared = GradientCheck.check(manager, pooling, List.of(states), loss, 8, 11);
        assertTrue(compared >= 20, "compared " + compared);
    }

    @ParameterizedTest
    @EnumSource(value = Pooling.class, names = {"MEAN", "LAST"})
    void smoothPoolingGradientMatchesFiniteDifferences(Pooling kind) {
        NDArray states = Arrays3.random(manager, random, DataType.FLOAT64, B, S, D);
        NDArray mask = Arrays3.mask(manager, DataType.FLOAT64, S, 5, 2, 3);
        NDArray r = Arrays3.random(manager, random, DataType.FLOAT64, B, D);
        GradientCheck.Loss loss =
                (store, training) -> {
                    try (NDArray p = kind.pool(states, mask)) {
                        return p.mul(r).sum();
                    }
                };
        assertTrue(GradientCheck.checkInputs(manager, List.of(states), loss, 12, 5) >= 12);
    }
}
