package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.onnx.Seq2SeqExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The utterance-level encoder: utterances end after the separator id 7; each word's memory is its
 * word state (6 features) followed by its utterance's state (2 x 4).
 */
class UtteranceEncoderTest {
    static final int SEPARATOR = 7;
    /** Utterances: [5 7] [8 7] [9]; [4 6]; [7] [9 10 4]. */
    static final List<int[]> SOURCES = List.of(new int[] {5, 7, 8, 7, 9}, new int[] {4, 6}, new int[] {7, 9, 10, 4});
    static final int[][] UTTERANCE = {{0, 0, 1, 1, 2}, {0, 0}, {0, 1, 1, 1}};
    private static final ObjectMapper JSON = new ObjectMapper();

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Engines.newManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static Seq2SeqConfig config() {
        return Fixtures.tiny().optUtteranceEncoder(4, SEPARATOR).build();
    }

    private float[] memory(Seq2SeqModel model, List<int[]> rows) {
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager m = manager.newSubManager()) {
            Encoded e = model.encode(ps, Fixtures.ids(m, rows), Fixtures.lengths(m, rows), false);
            assertEquals(14, e.memory().getShape().get(2));
            return e.memory().toFloatArray();
        }
    }

    @Test
    void eachWordCarriesItsUtterancesState() {
        Seq2SeqConfig config = config();
        assertEquals(14, config.memorySize());
        assertEquals(6, config.encoderStateSize());
        Seq2SeqModel model = Fixtures.model(config, manager, 89);
        float[] memory = memory(model, SOURCES);
        int width = 5;
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < width; i++) {
                float[] at = Arrays.copyOfRange(memory, (r * width + i) * 14, (r * width + i + 1) * 14);
                float[] utterance = Arrays.copyOfRange(at, 6, 14);
                if (i >= SOURCES.get(r).length) {
                    Fixtures.assertClose(new float[14], at, 0f, "padding row " + r + " position " + i);
                    continue;
                }
                for (int j = 0; j < i; j++) {
                    float[] other = Arrays.copyOfRange(memory, (r * width + j) * 14 + 6, (r * width + j + 1) * 14);
                    boolean same = Arrays.equals(utterance, other);
                    assertEquals(UTTERANCE[r][i] == UTTERANCE[r][j], same,
                            "row " + r + ": positions " + j + " and " + i + " share an utterance state");
                }
            }
        }
        // a row encodes the same alone as in the padded batch
        for (int r = 0; r < 3; r++) {
            float[] alone = memory(model, List.of(SOURCES.get(r)));
            int n = SOURCES.get(r).length;
            Fixtures.assertClose(alone, Arrays.copyOfRange(memory, r * width * 14, (r * width + n) * 14), 1e-5f,
                    "row " + r + " alone");
        }
    }

    @Test
    void configChecksAndJson() throws Exception {
        Seq2SeqConfig config = config();
        String json = JSON.writeValueAsString(config);
        assertTrue(json.endsWith("\"utteranceHiddenSize\":4,\"utteranceSeparatorId\":7}"), json);
        assertEquals(config, JSON.readValue(json, Seq2SeqConfig.class));
        assertEquals(config, config.toBuilder().build());
        assertFalse(JSON.writeValueAsString(Fixtures.tiny().build()).contains("utterance"));
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.tiny().optUtteranceEncoder(4, 3).build());
        assertEquals("the utterance encoder needs utteranceSeparatorId, an ordinary source id in [4, 11), got 3",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Fixtures.tiny().optUtteranceEncoder(0, 7).build());
        assertEquals("utteranceSeparatorId is for the utterance encoder; it must be 0 (or absent) without"
                + " utteranceHiddenSize, got 7", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Fixtures.tiny().optUtteranceEncoder(3, 7)
                .optAttention(Seq2SeqConfig.AttentionType.DOT, 0).build());
        assertTrue(e.getMessage().startsWith("DOT attention needs directions * encoderHiddenSize + 2 *"
                + " utteranceHiddenSize == decoderHiddenSize, got 12"), e.getMessage());
    }

    @Test
    void stepModelAndExport() {
        Seq2SeqModel model = Fixtures.model(config(), manager, 97);
        Exception e = assertThrows(UnsupportedOperationException.class, () -> Seq2SeqExporter.of(model));
        assertEquals("ONNX export of a model with an utterance encoder is not supported; decode it with DjlStepModel",
                e.getMessage());
        // the step model encodes through the same path: its first step's attention covers the real positions
        try (DjlStepModel step = DjlStepModel.of(model, manager)) {
            var state = step.encode(SOURCES);
            var out = step.step(state, new int[] {2, 2, 2});
            assertEquals(5, out.attentionWidth());
            float[] a = out.attention();
            assertEquals(0f, a[5 + 2], 0f);
            state.close();
            out.nextState().close();
        }
    }
}
