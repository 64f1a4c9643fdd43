package dev.seqtoolkit.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.seqtoolkit.core.decode.BeamSearch;
import dev.seqtoolkit.core.decode.DecoderState;
import dev.seqtoolkit.core.decode.GreedySearch;
import dev.seqtoolkit.core.decode.Hypothesis;
import dev.seqtoolkit.core.decode.StepModel;
import dev.seqtoolkit.core.decode.StepOutput;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.seq2seq.DjlStepModel;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig.AttentionType;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig.Bridge;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig.DecoderStyle;
import dev.seqtoolkit.core.seq2seq.Seq2SeqModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * A seq2seq model exported as encoder + decoder step must give, in ONNX Runtime, the DJL step
 * model's log-probabilities (within 1e-4) and attention along whole decodes, and the same greedy
 * and beam translations.
 */
class Seq2SeqExportTest {
    static final int SRC_VOCAB = 11;
    static final int TGT_VOCAB = 13;

    @TempDir
    Path dir;

    static Seq2SeqConfig.Builder tiny() {
        return Seq2SeqConfig.builder().setSourceVocabSize(SRC_VOCAB).setTargetVocabSize(TGT_VOCAB)
                .setEmbeddingSize(5).setEncoderHiddenSize(3).setDecoderHiddenSize(6);
    }

    static Stream<Seq2SeqConfig> configs() {
        return Stream.of(
                // Bahdanau + additive, bidirectional LSTM, CONCAT bridge
                tiny().optAttention(AttentionType.ADDITIVE, 7).build(),
                // Luong + dot, GRU
                tiny().optDecoderStyle(DecoderStyle.LUONG).optAttention(AttentionType.DOT, 0)
                        .optCell(CellType.GRU).build(),
                // Luong + general with input feeding, 2 encoder and 2 decoder layers, LINEAR bridge
                tiny().optDecoderStyle(DecoderStyle.LUONG).optAttention(AttentionType.GENERAL, 0)
                        .optInputFeeding(true).optEncoderLayers(2).optDecoderLayers(2).optBridge(Bridge.LINEAR)
                        .build(),
                // Bahdanau GRU, unidirectional, 3 decoder layers over 1 encoder layer, LINEAR bridge, tied output
                tiny().optAttention(AttentionType.ADDITIVE, 4).optCell(CellType.GRU).optBidirectional(false)
                        .setEmbeddingSize(6).optDecoderLayers(3).optBridge(Bridge.LINEAR)
                        .optTieTargetEmbedding(true).build(),
                // Luong + general LSTM, no feeding, ZERO bridge, 2 decoder layers (the fused decoder)
                tiny().optDecoderStyle(DecoderStyle.LUONG).optAttention(AttentionType.GENERAL, 0)
                        .optBridge(Bridge.ZERO).optDecoderLayers(2).build());
    }

    /** Every parameter (biases too) uniform in [-0.5, 0.5). */
    static Seq2SeqModel model(Seq2SeqConfig config, NDManager manager, long seed) {
        Seq2SeqModel model = new Seq2SeqModel(config);
        model.initialize(manager, DataType.FLOAT32, new Shape(2, 4), new Shape(2), new Shape(2, 3));
        Random random = new Random(seed);
        model.getParameters().forEach(pair -> {
            NDArray array = pair.getValue().getArray();
            float[] values = new float[(int) array.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextFloat() - 0.5f;
            }
            array.set(FloatBuffer.wrap(values));
        });
        return model;
    }

    static List<int[]> sources() {
        return List.of(new int[] {4, 9, 5, 7, 10}, new int[] {6, 8, 4}, new int[] {10}, new int[] {5, 5, 9, 4});
    }

    static int argMax(float[] a, int row, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (a[row * width + j] > a[row * width + best]) {
                best = j;
            }
        }
        return best;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void stepLogProbsAttentionAndSearchesMatchDjl(Seq2SeqConfig config) throws Exception {
        assertMatchesDjl(config, true);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void withoutTheGateTableTheStepMatchesDjlToo(Seq2SeqConfig config) throws Exception {
        assertMatchesDjl(config, false);
    }

    /** The first layer's input gates come from the table, or from the embedding, as asked; never both. */
    @Test
    void theStepGraphHoldsTheGateTableOrTheEmbedding() throws Exception {
        Seq2SeqConfig config = configs().findFirst().orElseThrow();
        try (NDManager manager = Engines.newManager()) {
            Seq2SeqModel model = model(config, manager, 7);
            Seq2SeqExporter exporter = Seq2SeqExporter.of(model);
            assertTrue(exporter.usesGateTable(), "on by default");
            List<String> folded = initializers(exporter.decoderStepModel());
            assertTrue(folded.contains("decoder0_input_gate_table"), folded.toString());
            assertFalse(folded.contains("target_embedding"), folded.toString());
            List<String> plain = initializers(exporter.optGateTable(false).decoderStepModel());
            assertFalse(plain.contains("decoder0_input_gate_table"), plain.toString());
            assertTrue(plain.contains("target_embedding"), plain.toString());
        }
    }

    private static List<String> initializers(ai.onnx.proto.OnnxMl.ModelProto model) {
        return model.getGraph().getInitializerList().stream().map(ai.onnx.proto.OnnxMl.TensorProto::getName)
                .toList();
    }

    private void assertMatchesDjl(Seq2SeqConfig config, boolean gateTable) throws Exception {
        try (NDManager manager = Engines.newManager()) {
            Seq2SeqModel model = model(config, manager, 7);
            Seq2SeqExporter.of(model).optGateTable(gateTable).save(dir);
            try (DjlStepModel djl = DjlStepModel.of(model, manager);
                    OrtStepModel ort = OrtStepModel.load(dir, OnnxModel.Options.defaults())) {
                assertEquals(TGT_VOCAB, ort.vocabSize());
                assertEquals(config, ort.config());
                compareAlongGreedyDecode(djl, ort, config);
                List<int[]> sources = sources();
                GreedySearch greedy = GreedySearch.builder().optMaxLength(9).build();
                assertSameTokens(greedy.decode(djl, sources), greedy.decode(ort, sources), "greedy");
                BeamSearch beam = BeamSearch.builder().optBeamSize(5).optNBest(3).optMaxLength(9).build();
                assertSameTokens(beam.decode(djl, sources), beam.decode(ort, sources), "beam 5");
            }
        }
        OnnxTestSupport.assumeCheckerPasses(List.of(dir.resolve(Seq2SeqExporter.ENCODER_FILE),
                dir.resolve(Seq2SeqExporter.DECODER_FILE)));
    }

    /** Runs {@code model} with full rows only, as exports without the top-candidate outputs do. */
    static StepModel fullRowsOnly(StepModel model) {
        return new StepModel() {
            @Override
            public int vocabSize() {
                return model.vocabSize();
            }

            @Override
            public DecoderState encode(List<int[]> sourceIds) {
                return model.encode(sourceIds);
            }

            @Override
            public StepOutput step(DecoderState state, int[] previousTokens) {
                return model.step(state, previousTokens);
            }
        };
    }

    @ParameterizedTest
    @MethodSource("configs")
    void topCandidatesAreTheFullRowsBestAndGreedyUsesThem(Seq2SeqConfig config) throws Exception {
        try (NDManager manager = Engines.newManager()) {
            Seq2SeqExporter.of(model(config, manager, 11)).save(dir);
        }
        try (OrtStepModel ort = OrtStepModel.load(dir, OnnxModel.Options.defaults())) {
            List<int[]> sources = sources();
            int k = 4;
            try (DecoderState state = ort.encode(sources)) {
                int[] previous = {1, 5, 7, 5}; // rows 1 and 3 fed the same token
                StepOutput full = ort.step(state, previous);
                StepOutput top = ort.step(state, previous, k);
                assertTrue(full.hasFullRows());
                assertEquals(k, top.candidatesPerRow());
                for (int r = 0; r < sources.size(); r++) {
                    Integer[] order = new Integer[TGT_VOCAB];
                    for (int t = 0; t < TGT_VOCAB; t++) {
                        order[t] = t;
                    }
                    final int row = r;
                    java.util.Arrays.sort(order, (a, b) -> {
                        int c = Float.compare(full.logProb(row, b), full.logProb(row, a));
                        return c != 0 ? c : Integer.compare(a, b);
                    });
                    for (int j = 0; j < k; j++) {
                        assertEquals(order[j], top.candidateIds()[r * k + j], "row " + r + " candidate " + j);
                        assertEquals(full.logProb(r, order[j]), top.candidateLogProbs()[r * k + j], 0f);
                    }
                }
                assertArrayEquals(full.attention(), top.attention(), 0f);
                full.nextState().close();
                top.nextState().close();
            }
            GreedySearch greedy = GreedySearch.builder().optMinLength(2).optNoRepeatNgramSize(2).optMaxLength(9).build();
            List<List<Hypothesis>> viaFull = greedy.decode(fullRowsOnly(ort), sources);
            List<List<Hypothesis>> viaTop = greedy.decode(ort, sources);
            for (int i = 0; i < sources.size(); i++) {
                assertArrayEquals(viaFull.get(i).get(0).tokens(), viaTop.get(i).get(0).tokens(), "sentence " + i);
                assertEquals(viaFull.get(i).get(0).logProb(), viaTop.get(i).get(0).logProb(), 0.0, "sentence " + i);
            }
        }
    }

    @Test
    void anExportWithoutTheTopKRunsOnFullRows() throws Exception {
        Seq2SeqConfig config = configs().findFirst().orElseThrow();
        ai.onnx.proto.OnnxMl.ModelProto current;
        try (NDManager manager = Engines.newManager()) {
            Seq2SeqExporter exporter = Seq2SeqExporter.of(model(config, manager, 3));
            exporter.save(dir);
            current = exporter.decoderStepModel();
        }
        // the step graph as exports before the TopK were written: no top_k input, no TopK node or outputs
        ai.onnx.proto.OnnxMl.GraphProto.Builder graph = current.getGraph().toBuilder();
        graph.clearInput().addAllInput(current.getGraph().getInputList().stream()
                .filter(v -> !v.getName().equals(Seq2SeqExporter.TOP_K)).toList());
        graph.clearOutput().addAllOutput(current.getGraph().getOutputList().stream()
                .filter(v -> !v.getName().startsWith("top_")).toList());
        graph.clearNode().addAllNode(current.getGraph().getNodeList().stream()
                .filter(n -> !n.getOpType().equals("TopK")).toList());
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        Files.copy(dir.resolve(Seq2SeqExporter.ENCODER_FILE), old.resolve(Seq2SeqExporter.ENCODER_FILE));
        OnnxGraphBuilder.write(withFormat(current.toBuilder().setGraph(graph).build(), "1"),
                old.resolve(Seq2SeqExporter.DECODER_FILE));
        // a newer format than this toolkit writes is refused, naming it
        Path newer = dir.resolve("newer");
        Files.createDirectories(newer);
        Files.copy(dir.resolve(Seq2SeqExporter.ENCODER_FILE), newer.resolve(Seq2SeqExporter.ENCODER_FILE));
        OnnxGraphBuilder.write(withFormat(current, Integer.toString(Seq2SeqExporter.FORMAT + 1)),
                newer.resolve(Seq2SeqExporter.DECODER_FILE));
        InvalidModelException refused = assertThrows(InvalidModelException.class,
                () -> OrtStepModel.load(newer, OnnxModel.Options.defaults()));
        assertEquals(InvalidModelException.Reason.UNSUPPORTED_VERSION, refused.reason());
        assertTrue(refused.getMessage().contains("export format " + (Seq2SeqExporter.FORMAT + 1)), refused.getMessage());
        try (OrtStepModel now = OrtStepModel.load(dir, OnnxModel.Options.defaults());
                OrtStepModel before = OrtStepModel.load(old, OnnxModel.Options.defaults())) {
            List<int[]> sources = sources();
            try (DecoderState state = before.encode(sources)) {
                StepOutput out = before.step(state, new int[] {1, 1, 1, 1}, 3);
                assertTrue(out.hasFullRows(), "no TopK in the graph: full rows");
                out.nextState().close();
            }
            GreedySearch greedy = GreedySearch.builder().optMaxLength(9).build();
            List<List<Hypothesis>> a = greedy.decode(now, sources);
            List<List<Hypothesis>> b = greedy.decode(before, sources);
            for (int i = 0; i < sources.size(); i++) {
                assertArrayEquals(a.get(i).get(0).tokens(), b.get(i).get(0).tokens(), "sentence " + i);
            }
        }
    }

    private static ai.onnx.proto.OnnxMl.ModelProto withFormat(ai.onnx.proto.OnnxMl.ModelProto model, String format) {
        ai.onnx.proto.OnnxMl.ModelProto.Builder b = model.toBuilder();
        for (int i = 0; i < b.getMetadataPropsCount(); i++) {
            if (b.getMetadataProps(i).getKey().equals(Seq2SeqExporter.FORMAT_KEY)) {
                b.setMetadataProps(i, b.getMetadataProps(i).toBuilder().setValue(format));
            }
        }
        return b.build();
    }

    /**
     * Steps both models with DJL's greedy tokens, comparing every output, with a tiling reorder after
     * step 2 and, after step 5, a permutation that keeps each row's sentence (ONNX Runtime states
     * then share the source tensors and copy only the recurrent rows).
     */
    private static void compareAlongGreedyDecode(StepModel djl, StepModel ort, Seq2SeqConfig config) {
        List<int[]> sources = sources();
        DecoderState a = djl.encode(sources);
        DecoderState b = ort.encode(sources);
        int rows = sources.size();
        int[] previous = new int[rows];
        java.util.Arrays.fill(previous, dev.seqtoolkit.core.decode.SpecialIds.BOS);
        for (int t = 0; t < 8; t++) {
            StepOutput x = djl.step(a, previous);
            StepOutput y = ort.step(b, previous);
            OnnxTestSupport.assertClose(x.logProbs(), y.logProbs(), 1e-4, "log-probs at step " + t + " of " + config);
            assertEquals(x.attentionWidth(), y.attentionWidth());
            OnnxTestSupport.assertClose(x.attention(), y.attention(), 1e-4, "attention at step " + t);
            a.close();
            b.close();
            a = x.nextState();
            b = y.nextState();
            for (int r = 0; r < rows; r++) {
                previous[r] = argMax(x.logProbs(), r, TGT_VOCAB);
            }
            if (t == 2 || t == 5) { // beams: tile and drop rows; then reorder within sentences
                int[] order = t == 2 ? new int[] {3, 0, 0, 2, 1, 3} : new int[] {5, 2, 1, 3, 4, 0};
                DecoderState a2 = a.reorder(order);
                DecoderState b2 = b.reorder(order);
                a.close();
                b.close();
                a = a2;
                b = b2;
                int[] p = new int[order.length];
                for (int i = 0; i < order.length; i++) {
                    p[i] = previous[order[i]];
                }
                previous = p;
                rows = order.length;
            }
        }
        a.close();
        b.close();
    }

    static void assertSameTokens(List<List<Hypothesis>> expected, List<List<Hypothesis>> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int s = 0; s < expected.size(); s++) {
            assertEquals(expected.get(s).size(), actual.get(s).size(), what + " sentence " + s);
            for (int k = 0; k < expected.get(s).size(); k++) {
                Hypothesis e = expected.get(s).get(k);
                Hypothesis o = actual.get(s).get(k);
                assertArrayEquals(e.tokens(), o.tokens(), what + " sentence " + s + " hypothesis " + k);
                assertEquals(e.score(), o.score(), 1e-3, what + " score, sentence " + s + " hypothesis " + k);
            }
        }
    }

    @Test
    void reorderedStatesOutliveTheirParentAndClosedStatesAreRefused() throws Exception {
        Seq2SeqConfig config = configs().findFirst().orElseThrow();
        try (NDManager manager = Engines.newManager()) {
            Seq2SeqExporter.of(model(config, manager, 5)).save(dir);
        }
        int[] bos = new int[sources().size()];
        java.util.Arrays.fill(bos, dev.seqtoolkit.core.decode.SpecialIds.BOS);
        try (OrtStepModel ort = OrtStepModel.load(dir, OnnxModel.Options.defaults())) {
            DecoderState fresh = ort.encode(sources());
            StepOutput expected = ort.step(fresh, bos);
            DecoderState parent = ort.encode(sources());
            DecoderState same = parent.reorder(new int[] {0, 1, 2, 3}); // shares every tensor
            DecoderState swapped = parent.reorder(new int[] {1, 0, 2, 3}); // copies
            parent.close();
            parent.close(); // idempotent
            StepOutput viaSame = ort.step(same, bos);
            assertArrayEquals(expected.logProbs(), viaSame.logProbs(), "identity reorder after its parent closed");
            StepOutput viaSwapped = ort.step(swapped, new int[] {bos[1], bos[0], bos[2], bos[3]});
            int v = TGT_VOCAB;
            assertArrayEquals(java.util.Arrays.copyOfRange(expected.logProbs(), 0, v),
                    java.util.Arrays.copyOfRange(viaSwapped.logProbs(), v, 2 * v), "row 0 moved to row 1");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ort.step(parent, bos));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> parent.reorder(new int[] {0}));
            for (DecoderState s : List.of(fresh, same, swapped, expected.nextState(), viaSame.nextState(),
                    viaSwapped.nextState())) {
                s.close();
            }
        }
    }

    @Test
    void manyThreadsDecodeWithOneOrtStepModel() throws Exception {
        Seq2SeqConfig config = configs().findFirst().orElseThrow();
        List<List<Hypothesis>> expected;
        try (NDManager manager = Engines.newManager()) {
            Seq2SeqModel model = model(config, manager, 11);
            Seq2SeqExporter.of(model).save(dir);
            try (DjlStepModel djl = DjlStepModel.of(model, manager)) {
                expected = BeamSearch.builder().optBeamSize(3).optMaxLength(9).build().decode(djl, sources());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (OrtStepModel ort = OrtStepModel.load(dir, OnnxModel.Options.defaults().withIntraOpThreads(1)
                .withOptimizationLevel(ai.onnxruntime.OrtSession.SessionOptions.OptLevel.BASIC_OPT))) {
            List<Future<List<List<Hypothesis>>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> BeamSearch.builder().optBeamSize(3).optMaxLength(9).build()
                        .decode(ort, sources())));
            }
            for (Future<List<List<Hypothesis>>> f : futures) {
                assertSameTokens(expected, f.get(), "beam 3 on a shared OrtStepModel");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void decoderFromAnotherExportIsRefused() throws Exception {
        Path other = dir.resolve("other");
        try (NDManager manager = Engines.newManager()) {
            Seq2SeqExporter.of(model(tiny().optAttention(AttentionType.ADDITIVE, 7).build(), manager, 1)).save(dir);
            Seq2SeqExporter.of(model(tiny().optAttention(AttentionType.ADDITIVE, 5).build(), manager, 1)).save(other);
        }
        Files.copy(other.resolve(Seq2SeqExporter.DECODER_FILE), dir.resolve(Seq2SeqExporter.DECODER_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> OrtStepModel.load(dir, OnnxModel.Options.defaults()));
        assertEquals(InvalidModelException.Reason.SIGNATURE_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("different exports"), e.getMessage());
    }

    @Test
    void encoderFileSwappedForTheDecoderIsRefusedNamingTheGraph() throws Exception {
        try (NDManager manager = Engines.newManager()) {
            Seq2SeqExporter.of(model(tiny().optAttention(AttentionType.ADDITIVE, 7).build(), manager, 1)).save(dir);
        }
        Files.copy(dir.resolve(Seq2SeqExporter.DECODER_FILE), dir.resolve(Seq2SeqExporter.ENCODER_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> OrtStepModel.load(dir, OnnxModel.Options.defaults()));
        assertTrue(e.getMessage().contains("not a seq2seq encoder graph"), e.getMessage());
    }
}
