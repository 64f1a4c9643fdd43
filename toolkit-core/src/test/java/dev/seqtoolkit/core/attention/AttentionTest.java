package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every attention implementation against an independent Java reference, at odd sizes (batch 3,
 * queryLen 2, srcLen 5, qDim 7, kDim 6, vDim 4, hidden 3) so that a swapped dimension fails.
 */
class AttentionTest {

    static final int B = 3;
    static final int Q = 2;
    static final int S = 5;
    static final int QD = 7;
    static final int KD = 6;
    static final int VD = 4;
    static final int HD = 3;

    /** The implementations under test, each with a Java reference of its score. */
    enum Kind {
        ADDITIVE,
        DOT,
        DOT_SCALED,
        GENERAL,
        GENERAL_SCALED;

        int keyDim() {
            return this == DOT || this == DOT_SCALED ? QD : KD;
        }

        AbstractAttention create() {
            switch (this) {
                case ADDITIVE:
                    return AdditiveAttention.builder().setQueryDim(QD).setKeyDim(KD).setHiddenDim(HD).build();
                case DOT:
                    return DotAttention.builder().build();
                case DOT_SCALED:
                    return DotAttention.builder().optScaled(true).build();
                case GENERAL:
                    return GeneralAttention.builder().setQueryDim(QD).setKeyDim(KD).build();
                default:
                    return GeneralAttention.builder().setQueryDim(QD).setKeyDim(KD).optScaled(true).build();
            }
        }

        /** Reference score of query row {@code q} against key row {@code k}. */
        double score(AbstractAttention a, double[] q, double[] k) {
            switch (this) {
                case ADDITIVE: {
                    AdditiveAttention add = (AdditiveAttention) a;
                    double[] wq = doubles(add.queryWeight().getArray()); // (QD, HD)
                    double[] wk = doubles(add.keyWeight().getArray()); // (KD, HD)
                    double[] v = doubles(add.energyWeight().getArray()); // (HD, 1)
                    double s = 0;
                    for (int h = 0; h < HD; h++) {
                        double x = 0;
                        for (int d = 0; d < QD; d++) {
                            x += q[d] * wq[d * HD + h];
                        }
                        for (int e = 0; e < KD; e++) {
                            x += k[e] * wk[e * HD + h];
                        }
                        s += v[h] * Math.tanh(x);
                    }
                    return s;
                }
                case DOT:
                case DOT_SCALED: {
                    double s = 0;
                    for (int d = 0; d < QD; d++) {
                        s += q[d] * k[d];
                    }
                    return this == DOT ? s : s / Math.sqrt(QD);
                }
                default: {
                    double[] w = doubles(((GeneralAttention) a).weight().getArray()); // (KD, QD)
                    double s = 0;
                    for (int d = 0; d < QD; d++) {
                        for (int e = 0; e < KD; e++) {
                            s += q[d] * w[e * QD + d] * k[e];
                        }
                    }
                    return this == GENERAL ? s : s / Math.sqrt(QD);
                }
            }
        }
    }

    NDManager manager;
    Random random;

    @BeforeEach
    void open() {
        manager = Engines.newManager();
        random = new Random(42);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static double[] doubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        float[] f = a.toType(DataType.FLOAT32, false).toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static double[] row(double[] flat, int width, int index) {
        double[] r = new double[width];
        System.arraycopy(flat, index * width, r, 0, width);
        return r;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void weightsAndContextMatchJavaReferenceAtOddSizes(Kind kind) {
        AbstractAttention attention = kind.create();
        attention.initialize(manager, DataType.FLOAT32);
        int kd = kind.keyDim();
        NDArray query = Arrays3.random(manager, random, DataType.FLOAT32, B, Q, QD);
        NDArray keys = Arrays3.random(manager, random, DataType.FLOAT32, B, S, kd);
        NDArray values = Arrays3.random(manager, random, DataType.FLOAT32, B, S, VD);
        int[] lengths = {5, 2, 3};
        NDArray mask = Arrays3.mask(manager, DataType.INT32, S, lengths);
        ParameterStore ps = new ParameterStore(manager, false);
        try (AttentionResult r = attention.attend(ps, query, keys, values, mask, false)) {
            assertEquals(new Shape(B, Q, VD), r.context().getShape());
            assertEquals(new Shape(B, Q, S), r.weights().getShape());
            float[] w = r.weights().toFloatArray();
            double[] c = doubles(r.context());
            double[] qf = doubles(query);
            double[] kf = doubles(keys);
            double[] vf = doubles(values);
            for (int b = 0; b < B; b++) {
                for (int i = 0; i < Q; i++) {
                    double[] ref = new double[S];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lengths[b]; j++) {
                        ref[j] = kind.score(attention, row(qf, QD, b * Q + i), row(kf, kd, b * S + j));
                        max = Math.max(max, ref[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < lengths[b]; j++) {
                        ref[j] = Math.exp(ref[j] - max);
                        sum += ref[j];
                    }
                    double total = 0;
                    for (int j = 0; j < S; j++) {
                        float got = w[(b * Q + i) * S + j];
                        if (j >= lengths[b]) {
                            assertEquals(0, Float.compare(got, 0.0f), "padded weight must be exactly +0.0 at " + b + "," + i + "," + j + ": " + got);
                        } else {
                            assertEquals(ref[j] / sum, got, 1e-5, "weight " + b + "," + i + "," + j);
                        }
                        total += got;
                    }
                    assertEquals(1.0, total, 1e-6, "row sum " + b + "," + i);
                    for (int d = 0; d < VD; d++) {
                        double expected = 0;
                        for (int j = 0; j < S; j++) {
                            expected += w[(b * Q + i) * S + j] * Arrays3.at(vf, S, VD, b, j, d);
                        }
                        assertEquals(expected, Arrays3.at(c, Q, VD, b, i, d), 1e-5, "context " + b + "," + i + "," + d);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void fullyMaskedRowGivesZerosNotNaN(Kind kind) {
        AbstractAttention attention = kind.create();
        attention.initialize(manager, DataType.FLOAT32);
        NDArray query = Arrays3.random(manager, random, DataType.FLOAT32, B, Q, QD);
        NDArray keys = Arrays3.random(manager, random, DataType.FLOAT32, B, S, kind.keyDim());
        NDArray values = Arrays3.random(manager, random, DataType.FLOAT32, B, S, VD);
        NDArray mask = Arrays3.mask(manager, DataType.FLOAT32, S, 4, 0, 1);
        ParameterStore ps = new ParameterStore(manager, false);
        try (AttentionResult r = attention.attend(ps, query, keys, values, mask, false)) {
            float[] w = r.weights().toFloatArray();
            float[] c = r.context().toFloatArray();
            for (int i = 0; i < Q * S; i++) {
                assertEquals(0f, w[Q * S + i], 0f, "fully masked row weight");
            }
            for (int i = 0; i < Q * VD; i++) {
                assertEquals(0f, c[Q * VD + i], 0f, "fully masked row context");
            }
            for (int i = 0; i < Q; i++) {
                // length 1: all weight on position 0
                assertEquals(1f, w[(2 * Q + i) * S], 1e-6f);
            }
            for (float x : w) {
                assertFalse(Float.isNaN(x));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nullMaskMeansAllReal(Kind kind) {
        AbstractAttention attention = kind.create();
        attention.initialize(manager, DataType.FLOAT32);
        NDArray query = Arrays3.random(manager, random, DataType.FLOAT32, B, Q, QD);
        NDArray keys = Arrays3.random(manager, random, DataType.FLOAT32, B, S, kind.keyDim());
        NDArray values = Arrays3.random(manager, random, DataType.FLOAT32, B, S, VD);
        NDArray ones = manager.ones(new Shape(B, S));
        ParameterStore ps = new ParameterStore(manager, false);
        try (AttentionResult a = attention.attend(ps, query, keys, values, null, false);
                AttentionResult b = attention.attend(ps, query, keys, values, ones, false)) {
            assertArrayEquals(b.weights().toFloatArray(), a.weights().toFloatArray(), 1e-6f);
            assertArrayEquals(b.context().toFloatArray(), a.context().toFloatArray(), 1e-6f);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void precomputedKeysPerStepEqualBatchedQueries(Kind kind) {
        AbstractAttention attention = kind.create();
        attention.initialize(manager, DataType.FLOAT32);
        int steps = 3;
        NDArray query = Arrays3.random(manager, random, DataType.FLOAT32, B, steps, QD);
        NDArray keys = Arrays3.random(manager, random, DataType.FLOAT32, B, S, kind.keyDim());
        NDArray values = Arrays3.random(manager, random, DataType.FLOAT32, B, S, VD);
        NDArray mask = Arrays3.mask(manager, DataType.FLOAT32, S, 3, 5, 1);
        ParameterStore ps = new ParameterStore(manager, false);
        try (AttentionResult all = attention.attend(ps, query, keys, values, mask, false);
                AttentionKeys prepared = attention.precomputeKeys(ps, keys, false)) {
            float[] w = all.weights().toFloatArray();
            float[] c = all.context().toFloatArray();
            for (int t = 0; t < steps; t++) {
                try (NDArray q = query.get(new NDIndex(":, {}:{}, :", t, t + 1));
                        AttentionResult one = attention.attend(ps, q, prepared, values, mask, false)) {
                    assertEquals(new Shape(B, 1, S), one.weights().getShape());
                    float[] w1 = one.weights().toFloatArray();
                    float[] c1 = one.context().toFloatArray();
                    for (int b = 0; b < B; b++) {
                        for (int j = 0; j < S; j++) {
                            assertEquals(w[(b * steps + t) * S + j], w1[b * S + j], 1e-6f);
                        }
                        for (int d = 0; d < VD; d++) {
                            assertEquals(c[(b * steps + t) * VD + d], c1[b * VD + d], 1e-6f);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void gradientMatchesFiniteDifferencesInFloat64(Kind kind) {
        AbstractAttention attention = kind.create();
        attention.initialize(manager, DataType.FLOAT64);
        NDArray query = Arrays3.random(manager, random, DataType.FLOAT64, B, Q, QD);
        NDArray keys = Arrays3.random(manager, random, DataType.FLOAT64, B, S, kind.keyDim());
        NDArray values = Arrays3.random(manager, random, DataType.FLOAT64, B, S, VD);
        NDArray mask = Arrays3.mask(manager, DataType.FLOAT64, S, 5, 2, 4);
        NDArray rc = Arrays3.random(manager, random, DataType.FLOAT64, B, Q, VD);
        NDArray rw = Arrays3.random(manager, random, DataType.FLOAT64, B, Q, S);
        GradientCheck.Loss loss =
                (ps, training) -> {
                    try (AttentionResult r = attention.attend(ps, query, keys, values, mask, training)) {
                        // L = sum(context * rc) + sum(weights * rw): exercises both outputs
                        return r.context().mul(rc).sum().add(r.weights().mul(rw).sum());
                    }
                };
        int compared = GradientCheck.check(manager, attention, List.of(query, keys, values), loss, 6, 7);
        assertTrue(compared >= 18, "compared " + compared);
        // Padded keys and values receive no gradient at all.
        double[] gv = GradientCheck.gradientOf(values);
        double[] gk = GradientCheck.gradientOf(keys);
        for (int j = 2; j < S; j++) {
            for (int d = 0; d < VD; d++) {
                assertEquals(0.0, Arrays3.at(gv, S, VD, 1, j, d), 0.0, "value gradient at padding");
            }
            for (int e = 0; e < kind.keyDim(); e++) {
                assertEquals(0.0, Arrays3.at(gk, S, kind.keyDim(), 1, j, e), 0.0, "key gradient at padding");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void wrongShapesAreRejectedWithActualShapes(Kind kind) {
        AbstractAttention attention = kind.create();
        attention.initialize(manager, DataType.FLOAT32);
        NDArray query = Arrays3.random(manager, random, DataType.FLOAT32, B, Q, QD);
        NDArray keys = Arrays3.random(manager, random, DataType.FLOAT32, B, S, kind.keyDim());
        NDArray values = Arrays3.random(manager, random, DataType.FLOAT32, B, S, VD);
        NDArray shortValues = Arrays3.random(manager, random, DataType.FLOAT32, B, S - 1, VD);
        NDArray otherBatch = Arrays3.random(manager, random, DataType.FLOAT32, B + 1, Q, QD);
        NDArray wrongQDim = Arrays3.random(manager, random, DataType.FLOAT32, B, Q, QD + 2);
        NDArray badMask = Arrays3.mask(manager, DataType.FLOAT32, S, 1, 2);
        ParameterStore ps = new ParameterStore(manager, false);
        assertMessageHas("(3, 4, 4)", () -> attention.attend(ps, query, keys, shortValues, null, false));
        assertMessageHas("(4, 2, 7)", () -> attention.attend(ps, otherBatch, keys, values, null, false));
        assertMessageHas("(3, 2, 9)", () -> attention.attend(ps, wrongQDim, keys, values, null, false));
        assertMessageHas("(2, 5)", () -> attention.attend(ps, query, keys, values, badMask, false));
        AbstractAttention other = kind.create();
        other.initialize(manager, DataType.FLOAT32);
        try (AttentionKeys foreign = other.precomputeKeys(ps, keys, false)) {
            assertThrows(IllegalArgumentException.class,
                    () -> attention.attend(ps, query, foreign, values, null, false));
        }
    }

    private static void assertMessageHas(String text, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void leavesOnlyItsResultsInTheCallersManagerAndKeepsInputs(Kind kind) {
        AbstractAttention attention = kind.create();
        attention.initialize(manager, DataType.FLOAT32);
        try (NDManager batch = manager.newSubManager()) {
            NDArray query = Arrays3.random(batch, random, DataType.FLOAT32, B, Q, QD);
            NDArray keys = Arrays3.random(batch, random, DataType.FLOAT32, B, S, kind.keyDim());
            NDArray mask = Arrays3.mask(batch, DataType.FLOAT32, S, 5, 2, 4);
            ParameterStore ps = new ParameterStore(batch, false);
            int before = batch.getManagedArrays().size();
            // keys double as values: the same array passed twice must survive
            NDList inputs = new NDList(query, keys, keys, mask);
            NDList out = attention.forward(ps, inputs, false);
            assertEquals(4, inputs.size(), "caller's list untouched");
            assertEquals(2, out.size());
            assertEquals(before + 2, batch.getManagedArrays().size(), "only context and weights remain");
            assertSame(batch, query.getManager());
            assertSame(batch, keys.getManager());
            assertSame(batch, out.get(0).getManager());
            assertFalse(keys.isReleased());
            keys.toFloatArray(); // still readable
            assertArrayEquals(
                    attention.getOutputShapes(new Shape[] {query.getShape(), keys.getShape(), keys.getShape()}),
                    new Shape[] {out.get(0).getShape(), out.get(1).getShape()});
            out.close();
        }
    }
}
