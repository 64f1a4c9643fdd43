package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.attention.Coverage;
import dev.seqtoolkit.core.data.Batch;
import dev.seqtoolkit.core.decode.BeamSearch;
import dev.seqtoolkit.core.decode.DecoderState;
import dev.seqtoolkit.core.decode.GreedySearch;
import dev.seqtoolkit.core.decode.Hypothesis;
import dev.seqtoolkit.core.decode.SpecialIds;
import dev.seqtoolkit.core.decode.StepOutput;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.ModelBundle;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.onnx.OrtStepModel;
import dev.seqtoolkit.core.onnx.Seq2SeqExporter;
import dev.seqtoolkit.core.text.ExtendedVocabulary;
import dev.seqtoolkit.core.text.Vocabulary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.seqtoolkit.core.seq2seq.Seq2SeqConfig.DecoderStyle.LUONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pointer-generator with random weights: the final distribution is a distribution over the
 * extended vocabulary, decoding gives exactly the probabilities the training loss uses, unknown words
 * come out of decoding and back to their text, states with coverage reorder, and save/load keeps
 * every output.
 */
class PointerGeneratorTest {
    static final int V = 13;
    /** Extended source ids: row 0 numbers two unknown words (13 twice, 14), row 1 one, row 2 none. */
    static final List<int[]> SOURCES = List.of(new int[] {5, 13, 7, 14, 13}, new int[] {13, 6}, new int[] {9, 4, 12, 8});
    /** The target words y of each row (extended ids from the row's own source). */
    static final int[][] TARGETS = {{13, 14, 5}, {13, 6, 13}, {9, 12, 10}};
    static final int EXTENDED = 15;
    private static final float TOLERANCE = 1e-5f;

    @TempDir Path dir;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Engines.newManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static Seq2SeqConfig.Builder copy() {
        return Fixtures.tiny().setSourceVocabSize(V).optCopy(true);
    }

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("copy BAHDANAU LSTM", copy().build()),
                Arguments.of("copy+coverage BAHDANAU LSTM", copy().optCoverage(true).build()),
                Arguments.of("copy+coverage LUONG GRU 2 decoder layers LINEAR bridge", copy().optCoverage(true)
                        .optDecoderStyle(LUONG).optCell(CellType.GRU).optDecoderLayers(2)
                        .optBridge(Seq2SeqConfig.Bridge.LINEAR).build()),
                Arguments.of("copy LUONG GENERAL fused", copy().optDecoderStyle(LUONG)
                        .optAttention(Seq2SeqConfig.AttentionType.GENERAL, 0).build()),
                Arguments.of("copy LUONG DOT input feeding", copy().optDecoderStyle(LUONG)
                        .optAttention(Seq2SeqConfig.AttentionType.DOT, 0).optInputFeeding(true).build()),
                // utterances of row 0: [5 13 7] [14 13]; the separator 7 is an ordinary id
                Arguments.of("copy+coverage utterance encoder", copy().optCoverage(true)
                        .optUtteranceEncoder(3, 7).build()));
    }

    static int[][] targetInput() {
        int[][] in = new int[TARGETS.length][];
        for (int r = 0; r < TARGETS.length; r++) {
            in[r] = new int[TARGETS[r].length + 1];
            in[r][0] = SpecialIds.BOS;
            System.arraycopy(TARGETS[r], 0, in[r], 1, TARGETS[r].length);
        }
        return in;
    }

    static int[][] targetOutput() {
        int[][] out = new int[TARGETS.length][];
        for (int r = 0; r < TARGETS.length; r++) {
            out[r] = Arrays.copyOf(TARGETS[r], TARGETS[r].length + 1);
            out[r][TARGETS[r].length] = SpecialIds.EOS;
        }
        return out;
    }

    static List<int[]> modelIds(List<int[]> rows) {
        List<int[]> out = new ArrayList<>();
        rows.forEach(r -> out.add(PointerGenerator.modelIds(r, V)));
        return out;
    }

    /** {@code P(target)} of every position, teacher-forced: {@code (rows, tgtLen)} flat. */
    float[] trainTimeProbabilities(Seq2SeqModel model) {
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager m = manager.newSubManager()) {
            Seq2SeqOutput out = model.forwardTeacherForced(ps, Fixtures.ids(m, modelIds(SOURCES)),
                    Fixtures.lengths(m, SOURCES), Fixtures.ids(m, modelIds(Arrays.asList(targetInput()))), false);
            assertEquals(new Shape(3, 4), out.generationLogits().getShape());
            return PointerGenerator.targetProbabilities(out, SOURCES, targetOutput(), V).toFloatArray();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void decodingGivesTheProbabilitiesOfTheLoss(String name, Seq2SeqConfig config) {
        Seq2SeqModel model = Fixtures.model(config, manager, 41);
        float[] expected = trainTimeProbabilities(model);
        int[][] in = targetInput();
        int[][] out = targetOutput();
        try (DjlStepModel step = DjlStepModel.of(model, manager)) {
            assertEquals(V, step.vocabSize());
            DecoderState state = step.encode(SOURCES);
            for (int t = 0; t < 4; t++) {
                int[] previous = {in[0][t], in[1][t], in[2][t]}; // extended ids read as <unk>
                StepOutput o = step.step(state, previous);
                state.close();
                state = o.nextState();
                assertEquals(EXTENDED, o.vocabSize(), name);
                for (int r = 0; r < 3; r++) {
                    double sum = 0;
                    for (int v = 0; v < EXTENDED; v++) {
                        sum += Math.exp(o.logProb(r, v));
                    }
                    assertEquals(1.0, sum, TOLERANCE, name + ": extended distribution of row " + r + " step " + t);
                    float got = (float) Math.exp(o.logProb(r, out[r][t]));
                    assertEquals(expected[r * 4 + t], got, TOLERANCE, name + ": P(target) row " + r + " step " + t);
                }
                // ids numbered by another sentence only are impossible
                assertEquals(Float.NEGATIVE_INFINITY, o.logProb(1, 14), name);
                assertEquals(Float.NEGATIVE_INFINITY, o.logProb(2, 13), name);
                assertEquals(Float.NEGATIVE_INFINITY, o.logProb(2, 14), name);
                assertTrue(o.logProb(0, 14) > Float.NEGATIVE_INFINITY, name);
            }
            state.close();
        }
    }

    @Test
    void mixByHand() {
        // V = 5; p_gen = sigmoid(0) = 0.5; source ids 4 (in the vocabulary), 5 (unknown), 4 again
        float[] vocab = {0.1f, 0.2f, 0.3f, 0.2f, 0.2f};
        float[] logs = new float[5];
        for (int i = 0; i < 5; i++) {
            logs[i] = (float) Math.log(vocab[i]);
        }
        float[] lp = PointerGenerator.mix(logs, 5, new float[] {0f}, new float[] {0.5f, 0.3f, 0.2f}, 3,
                new int[] {4, 5, 4}, 7);
        float[] p = new float[7];
        for (int i = 0; i < 7; i++) {
            p[i] = (float) Math.exp(lp[i]);
        }
        // 0.5 * vocab, id 4 gains 0.5 * (0.5 + 0.2), id 5 gets 0.5 * 0.3, id 6 nothing
        assertArrayEquals(new float[] {0.05f, 0.1f, 0.15f, 0.1f, 0.45f, 0.15f, 0f}, p, 1e-6f);
        assertEquals(Float.NEGATIVE_INFINITY, lp[6]);
        // a padded position (id -1) adds nothing even with weight
        float[] padded = PointerGenerator.mix(logs, 5, new float[] {0f}, new float[] {0.5f, 0.5f}, 2,
                new int[] {5, -1}, 6);
        assertEquals(0.25f, (float) Math.exp(padded[5]), 1e-6f);
    }

    @Test
    void unknownWordIsDecodedAndMappedBack() {
        Seq2SeqModel model = Fixtures.model(copy().build(), manager, 43);
        // p_gen = sigmoid(-30): the output is the attention, all of it on the only source word
        model.copyWeight().set(new float[(int) model.copyWeight().size()]);
        model.copyBias().set(new float[] {-30f});
        List<String> words = new ArrayList<>(Vocabulary.RESERVED);
        for (char c = 'a'; c < 'a' + V - 4; c++) {
            words.add(String.valueOf(c));
        }
        Vocabulary vocabulary = Vocabulary.of(words);
        ExtendedVocabulary zyzzyva = ExtendedVocabulary.of(vocabulary, List.of("zyzzyva"));
        ExtendedVocabulary quokka = ExtendedVocabulary.of(vocabulary, List.of("quokka"));
        assertArrayEquals(new int[] {V}, zyzzyva.sourceIds());
        List<int[]> sources = List.of(zyzzyva.sourceIds(), quokka.sourceIds());
        try (DjlStepModel step = DjlStepModel.of(model, manager)) {
            List<List<Hypothesis>> greedy = GreedySearch.builder().optMaxLength(2).build().decode(step, sources);
            List<List<Hypothesis>> beam = BeamSearch.builder().optBeamSize(2).optMaxLength(2).build()
                    .decode(step, sources);
            for (List<List<Hypothesis>> decoded : List.of(greedy, beam)) {
                assertEquals(List.of("zyzzyva", "zyzzyva"), zyzzyva.tokens(decoded.get(0).get(0).tokens()));
                assertEquals(List.of("quokka", "quokka"), quokka.tokens(decoded.get(1).get(0).tokens()));
            }
            assertEquals(0.0, greedy.get(0).get(0).logProb(), 1e-6);
        }
    }

    @Test
    void coverageAndCopyIdsReorderWithTheRows() {
        Seq2SeqModel model = Fixtures.model(copy().optCoverage(true).build(), manager, 47);
        int[] first = {SpecialIds.BOS, SpecialIds.BOS, SpecialIds.BOS};
        int[] second = {14, 13, 12};
        try (DjlStepModel step = DjlStepModel.of(model, manager)) {
            DecoderState start = step.encode(SOURCES);
            StepOutput a = step.step(start, first);
            StepOutput b = step.step(a.nextState(), second);
            StepOutput b2 = step.step(b.nextState(), second);
            int[] order = {2, 0, 0, 2};
            DecoderState reordered = a.nextState().reorder(order);
            int[] tokens = new int[order.length];
            for (int i = 0; i < order.length; i++) {
                tokens[i] = second[order[i]];
            }
            StepOutput c = step.step(reordered, tokens);
            StepOutput c2 = step.step(c.nextState(), tokens);
            assertEquals(EXTENDED, c.vocabSize());
            for (int i = 0; i < order.length; i++) {
                int from = order[i] * EXTENDED;
                assertRowsClose(Arrays.copyOfRange(b.logProbs(), from, from + EXTENDED),
                        Arrays.copyOfRange(c.logProbs(), i * EXTENDED, (i + 1) * EXTENDED), "row " + i);
                // the second step after the reorder reads the reordered coverage
                assertRowsClose(Arrays.copyOfRange(b2.logProbs(), from, from + EXTENDED),
                        Arrays.copyOfRange(c2.logProbs(), i * EXTENDED, (i + 1) * EXTENDED), "row " + i + ", next step");
            }
            for (DecoderState s : List.of(start, a.nextState(), b.nextState(), b2.nextState(), reordered,
                    c.nextState(), c2.nextState())) {
                s.close();
            }
        }
    }

    /** Log-probabilities equal within the tolerance, -inf exactly where expected. */
    static void assertRowsClose(float[] expected, float[] actual, String what) {
        assertRowsClose(expected, actual, TOLERANCE, what);
    }

    static void assertRowsClose(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == Float.NEGATIVE_INFINITY) {
                assertEquals(Float.NEGATIVE_INFINITY, actual[i], what + " at " + i);
            } else {
                assertEquals(expected[i], actual[i], tolerance, what + " at " + i);
            }
        }
    }

    @Test
    void taskLossIsTheNegativeLogOfPTargetPlusWeightedCoverage() {
        Seq2SeqConfig config = copy().optCoverage(true).optCoverageWeight(0.5f).build();
        Seq2SeqModel model = Fixtures.model(config, manager, 53);
        Batch batch = Batch.parallel(SOURCES, Arrays.asList(TARGETS));
        float[] p = trainTimeProbabilities(model);
        double nll = 0;
        for (float v : p) { // every target has 3 words + eos: no padding
            nll -= Math.log(v + PointerGenerator.LOG_EPSILON);
        }
        double coverage;
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager m = manager.newSubManager()) {
            Seq2SeqOutput out = model.forwardTeacherForced(ps, Fixtures.ids(m, modelIds(SOURCES)),
                    Fixtures.lengths(m, SOURCES), Fixtures.ids(m, modelIds(Arrays.asList(targetInput()))), false);
            Fixtures.assertClose(Coverage.stepLosses(out.attention()).toFloatArray(), out.coverageLoss().toFloatArray(),
                    1e-6f, "coverage loss of the forward");
            coverage = out.coverageLoss().sum().getFloat();
            assertTrue(coverage > 0.1, "coverage loss " + coverage);
            Seq2SeqTask task = new Seq2SeqTask(model, 3, 5, 4);
            float loss = task.loss(m, ps, batch, false).loss().getFloat();
            assertEquals(nll + 0.5 * coverage, loss, 1e-4 * Math.abs(loss));
        }
    }

    @Test
    void targetWordOutsideItsSourceIsRefused() {
        Seq2SeqModel model = Fixtures.model(copy().build(), manager, 59);
        Batch batch = Batch.parallel(SOURCES, List.of(new int[] {5}, new int[] {14}, new int[] {4}));
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager m = manager.newSubManager()) {
            Seq2SeqTask task = new Seq2SeqTask(model, 3, 5, 4);
            Exception e = assertThrows(IllegalArgumentException.class, () -> task.loss(m, ps, batch, false));
            assertEquals("target 1 of the batch holds extended id 14 at position 0, which its source does not hold;"
                    + " a word outside the vocabulary that the source lacks must be <unk> (1)", e.getMessage());
        }
    }

    @Test
    void sourceIdBeyondItsSentenceIsRefused() {
        Seq2SeqModel model = Fixtures.model(copy().build(), manager, 61);
        try (DjlStepModel step = DjlStepModel.of(model, manager)) {
            Exception e = assertThrows(IllegalArgumentException.class,
                    () -> step.encode(List.of(new int[] {4, 15})));
            assertEquals("source 0 holds id 15 at position 1, outside [0, 15): a sentence of 2 tokens numbers its"
                    + " unknown words from 13", e.getMessage());
        }
    }

    @Test
    void saveAndLoadKeepEveryOutput() throws Exception {
        Seq2SeqConfig config = copy().optCoverage(true).optCoverageWeight(2f).build();
        Seq2SeqModel model = Fixtures.model(config, manager, 67);
        Seq2SeqBundle.builder(model, Provenance.builder().setConfig(Seq2SeqBundle.configJson(config)).build())
                .save(dir.resolve("bundle"));
        Seq2SeqModel loaded = Seq2SeqBundle.load(ModelBundle.load(dir.resolve("bundle")), manager);
        assertEquals(config, loaded.config());
        GreedySearch greedy = GreedySearch.builder().optMaxLength(5).build();
        try (DjlStepModel a = DjlStepModel.of(model, manager); DjlStepModel b = DjlStepModel.of(loaded, manager)) {
            List<List<Hypothesis>> x = greedy.decode(a, SOURCES);
            List<List<Hypothesis>> y = greedy.decode(b, SOURCES);
            for (int i = 0; i < SOURCES.size(); i++) {
                assertArrayEquals(x.get(i).get(0).tokens(), y.get(i).get(0).tokens());
                assertEquals(x.get(i).get(0).logProb(), y.get(i).get(0).logProb(), 0.0);
            }
            DecoderState sa = a.encode(SOURCES);
            DecoderState sb = b.encode(SOURCES);
            int[][] in = targetInput();
            for (int t = 0; t < 4; t++) {
                int[] previous = {in[0][t], in[1][t], in[2][t]};
                StepOutput oa = a.step(sa, previous);
                StepOutput ob = b.step(sb, previous);
                assertArrayEquals(oa.logProbs(), ob.logProbs(), "step " + t);
                sa.close();
                sb.close();
                sa = oa.nextState();
                sb = ob.nextState();
            }
            sa.close();
            sb.close();
        }
    }

    static Stream<Arguments> exportableConfigs() {
        return configs().filter(a -> !((Seq2SeqConfig) a.get()[1]).hasUtteranceEncoder());
    }

    /**
     * Exported to ONNX, a copy (and coverage) model gives in ONNX Runtime the DJL step model's
     * log-probabilities over the extended vocabulary within 1e-4 along a teacher-forced decode with
     * unknown words as previous tokens and a reorder, and the same greedy and beam hypotheses.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("exportableConfigs")
    void onnxExportGivesTheSameExtendedDistributions(String name, Seq2SeqConfig config) throws Exception {
        Seq2SeqModel model = Fixtures.model(config, manager, 79);
        Path export = dir.resolve("export");
        Seq2SeqExporter.of(model).save(export);
        dev.seqtoolkit.core.onnx.OnnxChecker.assumeCheckerPasses(List.of(export.resolve(Seq2SeqExporter.ENCODER_FILE),
                export.resolve(Seq2SeqExporter.DECODER_FILE)));
        try (DjlStepModel djl = DjlStepModel.of(model, manager);
                OrtStepModel ort = OrtStepModel.load(export, OnnxModel.Options.defaults())) {
            DecoderState sa = djl.encode(SOURCES);
            DecoderState sb = ort.encode(SOURCES);
            int[][] in = targetInput();
            int[] order = {2, 0, 0, 1};
            int[] rowOf = {0, 1, 2};
            for (int t = 0; t < 4; t++) {
                int[] previous = new int[rowOf.length];
                for (int i = 0; i < rowOf.length; i++) {
                    previous[i] = in[rowOf[i]][t];
                }
                StepOutput oa = djl.step(sa, previous);
                StepOutput ob = ort.step(sb, previous);
                assertEquals(oa.vocabSize(), ob.vocabSize(), name);
                assertEquals(config.copy() ? EXTENDED : V, ob.vocabSize());
                assertRowsClose(oa.logProbs(), ob.logProbs(), 1e-4f, name + " step " + t);
                sa.close();
                sb.close();
                sa = oa.nextState();
                sb = ob.nextState();
                if (t == 1) { // coverage, copy ids and states follow the rows
                    DecoderState ra = sa.reorder(order);
                    DecoderState rb = sb.reorder(order);
                    sa.close();
                    sb.close();
                    sa = ra;
                    sb = rb;
                    int[] next = new int[order.length];
                    for (int i = 0; i < order.length; i++) {
                        next[i] = rowOf[order[i]];
                    }
                    rowOf = next;
                }
            }
            sa.close();
            sb.close();
            for (var search : List.of(GreedySearch.builder().optMaxLength(6).build(),
                    BeamSearch.builder().optBeamSize(3).optNBest(2).optMaxLength(6).build())) {
                List<List<Hypothesis>> x = search.decode(djl, SOURCES);
                List<List<Hypothesis>> y = search.decode(ort, SOURCES);
                for (int i = 0; i < x.size(); i++) {
                    for (int k = 0; k < x.get(i).size(); k++) {
                        assertArrayEquals(x.get(i).get(k).tokens(), y.get(i).get(k).tokens(), name + " sentence " + i);
                        assertEquals(x.get(i).get(k).score(), y.get(i).get(k).score(), 1e-3, name + " score");
                    }
                }
            }
        }
    }
}
