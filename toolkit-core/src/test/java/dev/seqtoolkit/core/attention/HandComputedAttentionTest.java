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

import static org.junit.jupiter.api.Assertions.*;

/**
 * Attention with constant weights, computed by hand. One query (batch 1, queryLen 1), three source
 * positions of which the third is padding and holds large values that must not leak in.
 */
class HandComputedAttentionTest {

    NDManager manager;
    ParameterStore ps;

    @BeforeEach
    void open() {
        manager = Engines.newManager();
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    NDArray array(float[] values, long... shape) {
        return manager.create(values, new Shape(shape));
    }

    NDArray mask() {
        return array(new float[] {1, 1, 0}, 1, 3);
    }

    NDArray values() {
        // position 3 is padding: 9s would show up in the context if it leaked
        return array(new float[] {1, 0, 0, 1, 9, 9}, 1, 3, 2);
    }

    void assertResult(AttentionResult r, double w1, double w2) {
        float[] w = r.weights().toFloatArray();
        assertEquals(w1, w[0], 1e-6);
        assertEquals(w2, w[1], 1e-6);
        assertEquals(0f, w[2], 0f);
        // values are e1 and e2, so the context equals the two weights
        assertArrayEquals(new float[] {(float) w1, (float) w2}, r.context().toFloatArray(), 1e-6f);
    }

    @Test
    void additiveWithUnitWeights() {
        AdditiveAttention a = AdditiveAttention.builder().setQueryDim(2).setKeyDim(2).setHiddenDim(2).build();
        a.setInitializer(new ConstantInitializer(1f), Parameter.Type.WEIGHT);
        a.initialize(manager, DataType.FLOAT32);
        NDArray query = array(new float[] {0.5f, 0.5f}, 1, 1, 2);
        NDArray keys = array(new float[] {0, 0, 0.5f, 0.5f, 3, 3}, 1, 3, 2);
        // W_q q = [1, 1]; W_k k1 = [0, 0]; W_k k2 = [1, 1]
        // score1 = 2 tanh(1) = 1.5231883; score2 = 2 tanh(2) = 1.9280552
        // w2 = 1 / (1 + exp(-(1.9280552 - 1.5231883))) = 0.5998564; w1 = 0.4001436
        try (AttentionResult r = a.attend(ps, query, keys, values(), mask(), false)) {
            assertResult(r, 0.40014359, 0.59985641);
        }
    }

    @Test
    void scaledDot() {
        DotAttention a = DotAttention.builder().optScaled(true).build();
        NDArray query = array(new float[] {1, 2}, 1, 1, 2);
        NDArray keys = array(new float[] {1, 0, 0, 1, 5, 5}, 1, 3, 2);
        // scores 1 and 2, times 1/sqrt(2): 0.7071068 and 1.4142136
        // w1 = 1 / (1 + exp(0.7071068)) = 0.3302385; w2 = 0.6697615
        try (AttentionResult r = a.attend(ps, query, keys, values(), mask(), false)) {
            assertResult(r, 0.33023845, 0.66976155);
        }
    }

    @Test
    void unscaledDot() {
        DotAttention a = DotAttention.builder().build();
        NDArray query = array(new float[] {1, 2}, 1, 1, 2);
        NDArray keys = array(new float[] {1, 0, 0, 1, 5, 5}, 1, 3, 2);
        // scores 1 and 2: w1 = 1 / (1 + e) = 0.2689414; w2 = 0.7310586
        try (AttentionResult r = a.attend(ps, query, keys, values(), mask(), false)) {
            assertResult(r, 0.26894142, 0.73105858);
        }
    }

    @Test
    void generalWithUnitWeights() {
        GeneralAttention a = GeneralAttention.builder().setQueryDim(2).setKeyDim(3).build();
        a.setInitializer(new ConstantInitializer(1f), Parameter.Type.WEIGHT);
        a.initialize(manager, DataType.FLOAT32);
        NDArray query = array(new float[] {0.25f, 0.25f}, 1, 1, 2);
        NDArray keys = array(new float[] {1, 0, 0, 1, 1, 1, 7, 7, 7}, 1, 3, 3);
        // with W all ones, score = sum(q) * sum(k): 0.5 * 1 = 0.5 and 0.5 * 3 = 1.5
        // w1 = 1 / (1 + e) = 0.2689414; w2 = 0.7310586
        try (AttentionResult r = a.attend(ps, query, keys, values(), mask(), false)) {
            assertResult(r, 0.26894142, 0.73105858);
        }
    }

    @Test
    void attentionPoolingWithUnitWeights() {
        AttentionPooling p = AttentionPooling.builder().setInputDim(2).setHiddenDim(2).build();
        p.setInitializer(new ConstantInitializer(1f), Parameter.Type.WEIGHT);
        p.initialize(manager, DataType.FLOAT32);
        NDArray states = array(new float[] {0, 0, 0.5f, 0.5f, 9, 9}, 1, 3, 2);
        // bias 0; score_j = u . tanh(W h_j) = 2 tanh(sum h_j): 0 and 2 tanh(1) = 1.5231883
        // w1 = 1 / (1 + exp(1.5231883)) = 0.1789925; w2 = 0.8210075
        // pooled = 0.8210075 * [0.5, 0.5] = [0.4105037, 0.4105037]
        try (PoolingResult r = p.pool(ps, states, mask(), false)) {
            assertEquals(new Shape(1, 2), r.pooled().getShape());
            assertEquals(new Shape(1, 3), r.weights().getShape());
            assertArrayEquals(new float[] {0.1789925f, 0.8210075f, 0f}, r.weights().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.4105037f, 0.4105037f}, r.pooled().toFloatArray(), 1e-6f);
        }
    }
}
