package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.decode.DecoderState;
import dev.seqtoolkit.core.decode.SpecialIds;
import dev.seqtoolkit.core.decode.StepOutput;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.nn.CellType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.seqtoolkit.core.seq2seq.Seq2SeqConfig.AttentionType.ADDITIVE;
import static dev.seqtoolkit.core.seq2seq.Seq2SeqConfig.AttentionType.DOT;
import static dev.seqtoolkit.core.seq2seq.Seq2SeqConfig.AttentionType.GENERAL;
import static dev.seqtoolkit.core.seq2seq.Seq2SeqConfig.DecoderStyle.LUONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The step model must reproduce the teacher-forced forward: at every target position, the log-probs
 * of one {@link DjlStepModel#step} fed the true previous tokens equal the log-softmax of the
 * teacher-forced logits within 1e-5, and so do the attention weights. For the fused LUONG decoder this
 * compares the fused kernel with the explicit cells stepping copies of its weights.
 */
class StepConsistencyTest {
    private static final float TOLERANCE = 1e-5f;
    private static final int[] SOURCE_LENGTHS = {5, 2, 4};
    private static final int TARGET_LENGTH = 4;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Engines.newManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("BAHDANAU+ADDITIVE LSTM", Fixtures.tiny().build()),
                Arguments.of("BAHDANAU+ADDITIVE GRU", Fixtures.tiny().optCell(CellType.GRU).build()),
                Arguments.of("BAHDANAU+GENERAL 2+2 layers LINEAR bridge", Fixtures.tiny()
                        .optAttention(GENERAL, 0).optEncoderLayers(2).optDecoderLayers(2)
                        .optBridge(Seq2SeqConfig.Bridge.LINEAR).build()),
                Arguments.of("LUONG+DOT LSTM", Fixtures.luong(DOT, CellType.LSTM)),
                Arguments.of("LUONG+GENERAL LSTM", Fixtures.luong(GENERAL, CellType.LSTM)),
                Arguments.of("LUONG+DOT GRU", Fixtures.luong(DOT, CellType.GRU)),
                Arguments.of("LUONG+GENERAL GRU", Fixtures.luong(GENERAL, CellType.GRU)),
                Arguments.of("LUONG+GENERAL LSTM 1 encoder layer, 2 decoder layers", Fixtures.tiny()
                        .optDecoderStyle(LUONG).optAttention(GENERAL, 0).optDecoderLayers(2).build()),
                Arguments.of("LUONG+ADDITIVE input feeding, ZERO bridge, tied", Fixtures.tiny()
                        .optDecoderStyle(LUONG).optInputFeeding(true).optBridge(Seq2SeqConfig.Bridge.ZERO)
                        .setEmbeddingSize(6).optTieTargetEmbedding(true).build()),
                Arguments.of("LUONG+DOT GRU unidirectional LINEAR bridge", Fixtures.tiny()
                        .optDecoderStyle(LUONG).optAttention(DOT, 0).optCell(CellType.GRU)
                        .optBidirectional(false).setEncoderHiddenSize(6)
                        .optBridge(Seq2SeqConfig.Bridge.LINEAR).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void teacherForcedEqualsStepwise(String name, Seq2SeqConfig config) {
        Seq2SeqModel model = Fixtures.model(config, manager, 17);
        Random random = new Random(5);
        List<int[]> sources = Fixtures.sequences(random, Fixtures.SRC_VOCAB, SOURCE_LENGTHS);
        int rows = sources.size();
        int srcLen = Arrays.stream(SOURCE_LENGTHS).max().orElseThrow();
        int vocab = Fixtures.TGT_VOCAB;
        int[][] targetInput = new int[rows][];
        for (int r = 0; r < rows; r++) {
            targetInput[r] = Fixtures.sequences(random, vocab, TARGET_LENGTH).get(0);
            targetInput[r][0] = SpecialIds.BOS;
        }
        float[] expected;
        float[] expectedAttention;
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager m = manager.newSubManager()) {
            NDArray tgt = Fixtures.ids(m, Arrays.asList(targetInput));
            Seq2SeqOutput out = model.forwardTeacherForced(
                    ps, Fixtures.ids(m, sources), Fixtures.lengths(m, sources), tgt, false);
            assertEquals(new Shape(rows, TARGET_LENGTH, vocab), out.logits().getShape(), name);
            assertEquals(new Shape(rows, TARGET_LENGTH, srcLen), out.attention().getShape(), name);
            expected = out.logits().logSoftmax(2).toFloatArray();
            expectedAttention = out.attention().toFloatArray();
        }
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < TARGET_LENGTH; t++) {
                double sum = 0;
                for (int s = 0; s < srcLen; s++) {
                    float w = expectedAttention[(r * TARGET_LENGTH + t) * srcLen + s];
                    if (s >= SOURCE_LENGTHS[r]) {
                        assertEquals(0f, w, name + ": attention on padding, row " + r + " step " + t);
                    }
                    sum += w;
                }
                assertEquals(1.0, sum, 1e-5, name + ": attention sum, row " + r + " step " + t);
            }
        }
        try (DjlStepModel stepModel = DjlStepModel.of(model, manager)) {
            assertEquals(vocab, stepModel.vocabSize());
            DecoderState state = stepModel.encode(sources);
            assertEquals(rows, state.rows());
            for (int t = 0; t < TARGET_LENGTH; t++) {
                int[] previous = new int[rows];
                for (int r = 0; r < rows; r++) {
                    previous[r] = targetInput[r][t];
                }
                StepOutput out = stepModel.step(state, previous);
                state.close();
                state = out.nextState();
                assertEquals(srcLen, out.attentionWidth());
                for (int r = 0; r < rows; r++) {
                    float[] want = Arrays.copyOfRange(expected, (r * TARGET_LENGTH + t) * vocab,
                            (r * TARGET_LENGTH + t + 1) * vocab);
                    float[] got = Arrays.copyOfRange(out.logProbs(), r * vocab, (r + 1) * vocab);
                    Fixtures.assertClose(want, got, TOLERANCE, name + ": log-probs, row " + r + " step " + t);
                    float[] wantAtt = Arrays.copyOfRange(expectedAttention, (r * TARGET_LENGTH + t) * srcLen,
                            (r * TARGET_LENGTH + t + 1) * srcLen);
                    float[] gotAtt = Arrays.copyOfRange(out.attention(), r * srcLen, (r + 1) * srcLen);
                    Fixtures.assertClose(wantAtt, gotAtt, TOLERANCE, name + ": attention, row " + r + " step " + t);
                }
            }
            state.close();
        }
    }

    /** After a reorder (tiling and dropping rows), stepping gives the rows of the original order. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void reorderSelectsRows(String name, Seq2SeqConfig config) {
        Seq2SeqModel model = Fixtures.model(config, manager, 23);
        List<int[]> sources = Fixtures.sequences(new Random(9), Fixtures.SRC_VOCAB, SOURCE_LENGTHS);
        int vocab = Fixtures.TGT_VOCAB;
        int[] first = {SpecialIds.BOS, SpecialIds.BOS, SpecialIds.BOS};
        int[] second = {5, 7, 11};
        try (DjlStepModel stepModel = DjlStepModel.of(model, manager)) {
            DecoderState start = stepModel.encode(sources);
            StepOutput a = stepModel.step(start, first);
            StepOutput b = stepModel.step(a.nextState(), second);
            int[] order = {2, 0, 0, 2};
            DecoderState reordered = a.nextState().reorder(order);
            assertEquals(order.length, reordered.rows());
            int[] selectedTokens = new int[order.length];
            for (int i = 0; i < order.length; i++) {
                selectedTokens[i] = second[order[i]];
            }
            StepOutput c = stepModel.step(reordered, selectedTokens);
            for (int i = 0; i < order.length; i++) {
                float[] want = Arrays.copyOfRange(b.logProbs(), order[i] * vocab, (order[i] + 1) * vocab);
                float[] got = Arrays.copyOfRange(c.logProbs(), i * vocab, (i + 1) * vocab);
                Fixtures.assertClose(want, got, TOLERANCE, name + ": reordered row " + i);
            }
            // the original chain is unchanged and still usable after the reorder
            StepOutput again = stepModel.step(a.nextState(), second);
            Fixtures.assertClose(b.logProbs(), again.logProbs(), 0f, name + ": original state after reorder");
            for (DecoderState s : List.of(start, a.nextState(), b.nextState(), reordered, c.nextState(),
                    again.nextState())) {
                s.close();
            }
        }
    }
}
