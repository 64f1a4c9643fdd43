package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Coverage: the loss of a hand-built attention sequence, coverage attention by hand, checks, gradients. */
class CoverageTest {

    private NDManager manager;
    private ParameterStore ps;

    @BeforeEach
    void open() {
        manager = Engines.newManager();
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void stepLossesOfAHandBuiltAttentionSequence() {
        // row 0: c_1 = a_0 = [.5 .3 .2], min(a_1, c_1) = [.1 .3 .2] -> 0.6;
        //        c_2 = [.6 .9 .5], min(a_2, c_2) = [.2 .2 .5] -> 0.9
        // row 1 (third position padding): c_1 = [.9 .1], min([.4 .6], c_1) -> 0.5;
        //        c_2 = [1.3 .7], min([.7 .3], c_2) -> 1.0
        NDArray attention = manager.create(new float[] {
            0.5f, 0.3f, 0.2f, 0.1f, 0.6f, 0.3f, 0.2f, 0.2f, 0.6f,
            0.9f, 0.1f, 0f, 0.4f, 0.6f, 0f, 0.7f, 0.3f, 0f}, new Shape(2, 3, 3));
        NDArray losses = Coverage.stepLosses(attention);
        assertEquals(new Shape(2, 3), losses.getShape());
        assertArrayEquals(new float[] {0f, 0.6f, 0.9f, 0f, 0.5f, 1.0f}, losses.toFloatArray(), 1e-6f);
    }

    @Test
    void coverageEntersTheAdditiveScores() {
        AdditiveAttention a = AdditiveAttention.builder().setQueryDim(2).setKeyDim(2).setHiddenDim(2)
                .optCoverage(true).build();
        a.setInitializer(new ConstantInitializer(1f), Parameter.Type.WEIGHT);
        a.initialize(manager, DataType.FLOAT32);
        assertEquals(4, a.getParameters().size());
        assertEquals(new Shape(1, 2), a.coverageWeight().getArray().getShape());
        NDArray query = manager.create(new float[] {0.5f, 0.5f}, new Shape(1, 1, 2));
        NDArray keys = manager.create(new float[] {0, 0, 0.5f, 0.5f, 3, 3}, new Shape(1, 3, 2));
        NDArray values = manager.create(new float[] {1, 0, 0, 1, 9, 9}, new Shape(1, 3, 2));
        NDArray mask = manager.create(new float[] {1, 1, 0}, new Shape(1, 3));
        NDArray coverage = manager.create(new float[] {0.5f, 0f, 100f}, new Shape(1, 1, 3));
        // W_q q = [1 1]; W_k k = [0 0], [1 1]; w_c c = [.5 .5], [0 0]
        // score1 = 2 tanh(1.5) = 1.8102965; score2 = 2 tanh(2) = 1.9280552
        // w2 = 1 / (1 + exp(-(1.9280552 - 1.8102965))) = 0.5294057; w1 = 0.4705943
        try (AttentionKeys prepared = a.precomputeKeys(ps, keys, false);
                AttentionResult r = a.attend(ps, query, prepared, values, mask, coverage, false)) {
            assertArrayEquals(new float[] {0.4705943f, 0.5294057f, 0f}, r.weights().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.4705943f, 0.5294057f}, r.context().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void coverageIsRequiredExactlyWhenBuiltWithIt() {
        AdditiveAttention with = AdditiveAttention.builder().setQueryDim(2).setKeyDim(2).setHiddenDim(3)
                .optCoverage(true).build();
        with.initialize(manager, DataType.FLOAT32);
        AdditiveAttention without = AdditiveAttention.builder().setQueryDim(2).setKeyDim(2).setHiddenDim(3).build();
        without.initialize(manager, DataType.FLOAT32);
        NDArray query = manager.ones(new Shape(2, 1, 2));
        NDArray keys = manager.ones(new Shape(2, 5, 2));
        Exception missing = assertThrows(IllegalArgumentException.class,
                () -> with.attend(ps, query, keys, keys, null, false));
        assertEquals("AdditiveAttention was built with coverage: every call must give the coverage (batch,"
                + " queryLen, srcLen)", missing.getMessage());
        try (AttentionKeys prepared = without.precomputeKeys(ps, keys, false)) {
            Exception extra = assertThrows(IllegalArgumentException.class, () -> without.attend(
                    ps, query, prepared, keys, null, manager.zeros(new Shape(2, 1, 5)), false));
            assertEquals("AdditiveAttention reads no coverage, but a coverage array was given", extra.getMessage());
        }
        try (AttentionKeys prepared = with.precomputeKeys(ps, keys, false)) {
            Exception shape = assertThrows(IllegalArgumentException.class, () -> with.attend(
                    ps, query, prepared, keys, null, manager.zeros(new Shape(2, 5)), false));
            assertEquals("AdditiveAttention: coverage must be (batch, queryLen, srcLen) = (2, 1, 5), got (2, 5)",
                    shape.getMessage());
        }
    }

    @Test
    void gradientsOfCoverageAttentionAndLoss() {
        Random random = new Random(31);
        AdditiveAttention attention = AdditiveAttention.builder().setQueryDim(3).setKeyDim(4).setHiddenDim(5)
                .optCoverage(true).build();
        attention.initialize(manager, DataType.FLOAT64);
        NDArray query = Arrays3.random(manager, random, DataType.FLOAT64, 2, 1, 3);
        NDArray keys = Arrays3.random(manager, random, DataType.FLOAT64, 2, 5, 4);
        NDArray mask = Arrays3.mask(manager, DataType.FLOAT64, 5, 5, 3);
        NDArray coverage = Arrays3.random(manager, random, DataType.FLOAT64, 2, 1, 5).abs();
        NDArray rw = Arrays3.random(manager, random, DataType.FLOAT64, 2, 1, 5);
        GradientCheck.Loss loss = (store, training) -> {
            try (AttentionKeys prepared = attention.precomputeKeys(store, keys, training);
                    AttentionResult r = attention.attend(store, query, prepared, keys, mask, coverage, training)) {
                return r.weights().mul(rw).sum().add(r.context().sum());
            }
        };
        int compared = GradientCheck.check(manager, attention, List.of(query, coverage), loss, 6, 3);
        assertTrue(compared >= 24, "compared " + compared);
        // the coverage loss through the triangular sum: every step's attention gets its gradient
        NDArray steps = Arrays3.random(manager, random, DataType.FLOAT64, 2, 4, 3).abs();
        int lossCompared = GradientCheck.checkInputs(manager, List.of(steps),
                (store, training) -> Coverage.stepLosses(steps).mul(steps.getManager().create(
                        new double[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, 4))).sum(), 24, 5);
        assertEquals(24, lossCompared);
    }
}
