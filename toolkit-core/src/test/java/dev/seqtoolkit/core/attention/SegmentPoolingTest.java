package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AttentionPooling#poolSegments}: batch 2, srcLen 7, dim 5; row 0 has segments [0, 3), [3, 7)
 * and an empty third; row 1 segments [0, 2), [2, 4) and [4, 5), positions 5 and 6 padding.
 */
class SegmentPoolingTest {
    static final int B = 2;
    static final int S = 7;
    static final int D = 5;
    static final int[][][] SEGMENTS = {{{0, 3}, {3, 7}, {0, 0}}, {{0, 2}, {2, 4}, {4, 5}}};

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Engines.newManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static NDArray segments(NDManager m, DataType type) {
        float[] mask = new float[B * 3 * S];
        for (int b = 0; b < B; b++) {
            for (int u = 0; u < 3; u++) {
                for (int i = SEGMENTS[b][u][0]; i < SEGMENTS[b][u][1]; i++) {
                    mask[(b * 3 + u) * S + i] = 1f;
                }
            }
        }
        return m.create(mask, new Shape(B, 3, S)).toType(type, false);
    }

    @Test
    void eachSegmentPoolsAsIfAlone() {
        AttentionPooling pooling = AttentionPooling.builder().setInputDim(D).setHiddenDim(3).build();
        pooling.initialize(manager, DataType.FLOAT32);
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray states = Arrays3.random(manager, new Random(4), DataType.FLOAT32, B, S, D);
        PoolingResult r = pooling.poolSegments(ps, states, segments(manager, DataType.FLOAT32), false);
        assertEquals(new Shape(B, 3, D), r.pooled().getShape());
        assertEquals(new Shape(B, 3, S), r.weights().getShape());
        for (int b = 0; b < B; b++) {
            for (int u = 0; u < 3; u++) {
                int from = SEGMENTS[b][u][0];
                int to = SEGMENTS[b][u][1];
                float[] got = r.pooled().get(b, u).toFloatArray();
                if (from == to) {
                    assertArrayEquals(new float[D], got, 0f, "an empty segment pools to zeros");
                    continue;
                }
                NDArray alone = states.get(new NDIndex("{}:{}, {}:{}", b, b + 1, from, to)); // (1, len, D)
                float[] want = pooling.pool(ps, alone, null, false).pooled().toFloatArray();
                assertArrayEquals(want, got, 1e-6f, "row " + b + " segment " + u);
                float[] w = r.weights().get(b, u).toFloatArray();
                for (int i = 0; i < S; i++) {
                    if (i < from || i >= to) {
                        assertEquals(0f, w[i], 0f, "weight outside the segment");
                    }
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        AttentionPooling pooling = AttentionPooling.builder().setInputDim(D).setHiddenDim(3).build();
        pooling.initialize(manager, DataType.FLOAT64);
        Random random = new Random(8);
        NDArray states = Arrays3.random(manager, random, DataType.FLOAT64, B, S, D);
        NDArray segments = segments(manager, DataType.FLOAT64);
        NDArray r = Arrays3.random(manager, random, DataType.FLOAT64, B, 3, D);
        int compared = GradientCheck.check(manager, pooling, List.of(states),
                (store, training) -> pooling.poolSegments(store, states, segments, training).pooled().mul(r).sum(), 8, 2);
        assertTrue(compared >= 16, "compared " + compared);
    }
}
