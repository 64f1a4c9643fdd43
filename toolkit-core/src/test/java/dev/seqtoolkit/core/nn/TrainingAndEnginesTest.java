package dev.seqtoolkit.core.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static dev.seqtoolkit.core.nn.NnTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class TrainingAndEnginesTest {
    static final int BATCH = 3, TIME = 5, IN = 7, HIDDEN = 4, VOCAB = 11;

    /** One SGD step on embedding -> encoder moves every parameter and lowers the loss. */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void trainingStepChangesEveryParameter(CellType type) {
        for (boolean explicit : new boolean[] {false, true}) {
            try (NDManager m = Engines.newManager()) {
                Embedding emb = Embedding.builder().setVocabularySize(VOCAB).setEmbeddingSize(IN).build();
                SequenceEncoder enc = explicit
                        ? ExplicitRecurrentEncoder.builder().setCellType(type).setStateSize(HIDDEN).setNumLayers(2)
                                .optBidirectional(true).optDropRate(0.2f).optTimeGate(type == CellType.LSTM).build()
                        : RecurrentEncoder.builder().setCellType(type).setStateSize(HIDDEN).setNumLayers(2)
                                .optBidirectional(true).optDropRate(0.2f).build();
                emb.initialize(m, DataType.FLOAT32, new Shape(BATCH, TIME));
                initialize(enc, m, 51, new Shape(BATCH, TIME, IN));
                NDArray ids = m.create(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2, 3, 4}, new Shape(BATCH, TIME));
                NDArray lengths = m.create(new long[] {5, 2, 4});
                NDArray target = random(m, 52, BATCH, TIME, 2 * HIDDEN).mul(0.5f);
                List<Pair<String, Parameter>> params = new ArrayList<>();
                emb.getParameters().forEach(params::add);
                enc.getParameters().forEach(params::add);
                List<float[]> before = new ArrayList<>();
                params.forEach(p -> before.add(p.getValue().getArray().toFloatArray()));
                float loss0 = evaluate(m, emb, enc, ids, lengths, target);
                step(m, emb, enc, ids, lengths, target, params, 0.5f);
                for (int i = 0; i < params.size(); i++) {
                    float[] after = params.get(i).getValue().getArray().toFloatArray();
                    float moved = 0;
                    for (int j = 0; j < after.length; j++) {
                        moved = Math.max(moved, Math.abs(after[j] - before.get(i)[j]));
                    }
                    assertTrue(moved > 1e-7, (explicit ? "explicit " : "fused ") + type + ": parameter "
                            + params.get(i).getKey() + " did not move");
                }
                float loss1 = evaluate(m, emb, enc, ids, lengths, target);
                assertTrue(loss1 < loss0, "loss must drop after a step: " + loss0 + " -> " + loss1);
            }
        }
    }

    /** Loss in inference mode (outside any GradientCollector, as MXNet requires). */
    private static float evaluate(NDManager m, Embedding emb, SequenceEncoder enc, NDArray ids, NDArray lengths,
            NDArray target) {
        try (NDManager batch = m.newSubManager()) {
            ParameterStore ps = new ParameterStore(batch, false);
            NDArray x = emb.embed(ps, ids, false);
            x.attach(batch);
            RecurrentOutput out = enc.forward(ps, x, lengths, null, false);
            return out.output().sub(target).square().mean().getFloat();
        }
    }

    /** One SGD step in training mode (dropout on). */
    private static void step(NDManager m, Embedding emb, SequenceEncoder enc, NDArray ids, NDArray lengths,
            NDArray target, List<Pair<String, Parameter>> params, float lr) {
        try (NDManager batch = m.newSubManager()) {
            ParameterStore ps = new ParameterStore(batch, false);
            try (GradientCollector gc = dev.seqtoolkit.core.engine.Engines.engine().newGradientCollector()) {
                NDArray x = emb.embed(ps, ids, true);
                x.attach(batch);
                RecurrentOutput out = enc.forward(ps, x, lengths, null, true);
                gc.backward(out.output().sub(target).square().mean());
            }
            for (Pair<String, Parameter> p : params) {
                NDArray w = p.getValue().getArray();
                NDArray g = w.getGradient();
                g.attach(batch);
                w.subi(g.mul(lr));
            }
        }
    }

    /** Nothing created during a forward stays in the caller's or the parameters' managers. */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void forwardLeaksNothing(CellType type) {
        try (NDManager m = Engines.newManager()) {
            SequenceEncoder[] encoders = {
                RecurrentEncoder.builder().setCellType(type).setStateSize(HIDDEN).setNumLayers(2).optBidirectional(true).build(),
                ExplicitRecurrentEncoder.builder().setCellType(type).setStateSize(HIDDEN).setNumLayers(2).optBidirectional(true).build()
            };
            Embedding emb = Embedding.builder().setVocabularySize(VOCAB).setEmbeddingSize(IN).build();
            emb.initialize(m, DataType.FLOAT32, new Shape(BATCH, TIME));
            for (SequenceEncoder enc : encoders) {
                initialize(enc, m, 61, new Shape(BATCH, TIME, IN));
            }
            NDArray ids = m.create(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2, 3, 4}, new Shape(BATCH, TIME));
            NDArray lengths = m.create(new long[] {2, 5, 3});
            ParameterStore ps = new ParameterStore(m, false);
            int baseline = m.getManagedArrays().size();
            for (SequenceEncoder enc : encoders) {
                for (NDArray len : new NDArray[] {null, lengths}) {
                    NDArray x = emb.embed(ps, ids, false);
                    enc.forward(ps, x, len, null, false).close();
                    x.close();
                    assertEquals(baseline, m.getManagedArrays().size(),
                            enc.getClass().getSimpleName() + " lengths=" + (len != null) + " leaked arrays");
                }
            }
        }
    }

    /** The same weights give the same outputs on PyTorch and MXNet, both loaded in one JVM. */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void bothEnginesInOneJvmAgree(CellType type) {
        Engine pt;
        Engine mx;
        try {
            pt = Engines.engine(Engines.PYTORCH);
            mx = Engines.engine(Engines.MXNET);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            Assumptions.abort("both engines could not be loaded in one JVM: " + e);
            return;
        }
        try (NDManager a = pt.newBaseManager(); NDManager b = mx.newBaseManager()) {
            RecurrentEncoder ea = RecurrentEncoder.builder().setCellType(type).setStateSize(HIDDEN).setNumLayers(2)
                    .optBidirectional(true).build();
            RecurrentEncoder eb = RecurrentEncoder.builder().setCellType(type).setStateSize(HIDDEN).setNumLayers(2)
                    .optBidirectional(true).build();
            initialize(ea, a, 71, new Shape(BATCH, TIME, IN));
            initialize(eb, b, 72, new Shape(BATCH, TIME, IN));
            for (int l = 0; l < 2; l++) {
                for (int d = 0; d < 2; d++) {
                    eb.weights(l, d).copyFrom(ea.weights(l, d));
                }
            }
            NDArray xa = random(a, 73, BATCH, TIME, IN);
            NDArray xb = random(b, 73, BATCH, TIME, IN);
            long[] lens = {4, 5, 2};
            try (RecurrentOutput oa = ea.forward(new ParameterStore(a, false), xa, a.create(lens), null, false);
                    RecurrentOutput ob = eb.forward(new ParameterStore(b, false), xb, b.create(lens), null, false)) {
                assertEquals("PyTorch", oa.output().getManager().getEngine().getEngineName());
                assertEquals("MXNet", ob.output().getManager().getEngine().getEngineName());
                assertClose(oa.output().toFloatArray(), ob.output().toFloatArray(), TOLERANCE, "output across engines");
                assertClose(oa.state().h().toFloatArray(), ob.state().h().toFloatArray(), TOLERANCE, "h across engines");
            }
        }
    }
}
