package dev.seqtoolkit.core.seq2seq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.nn.CellType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Seq2SeqConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MINIMAL = "{\"sourceVocabSize\": 11, \"targetVocabSize\": 13, \"embeddingSize\": 5,"
            + " \"encoderHiddenSize\": 3, \"decoderHiddenSize\": 6, \"attentionHiddenSize\": 7";

    @Test
    void jsonRoundTripKeepsEveryField() throws Exception {
        Seq2SeqConfig config = Seq2SeqConfig.builder()
                .setSourceVocabSize(101).setTargetVocabSize(103).setEmbeddingSize(9)
                .setEncoderHiddenSize(5).setDecoderHiddenSize(9)
                .optCell(CellType.GRU).optEncoderLayers(2).optBidirectional(false).optDecoderLayers(3)
                .optAttention(Seq2SeqConfig.AttentionType.GENERAL, 0)
                .optDecoderStyle(Seq2SeqConfig.DecoderStyle.LUONG).optInputFeeding(true)
                .optBridge(Seq2SeqConfig.Bridge.LINEAR).optDropout(0.25f).optTieTargetEmbedding(true)
                .optLabelSmoothing(0.1f)
                .build();
        String json = JSON.writeValueAsString(config);
        Seq2SeqConfig back = JSON.readValue(json, Seq2SeqConfig.class);
        assertEquals(config, back);
        assertEquals(config, back.toBuilder().build());
        assertTrue(json.contains("\"decoderStyle\":\"LUONG\""), json);
    }

    @Test
    void defaultsFromMinimalJson() throws Exception {
        Seq2SeqConfig config = JSON.readValue(MINIMAL + "}", Seq2SeqConfig.class);
        assertEquals(CellType.LSTM, config.cell());
        assertEquals(1, config.encoderLayers());
        assertEquals(1, config.decoderLayers());
        assertTrue(config.bidirectional());
        assertEquals(Seq2SeqConfig.AttentionType.ADDITIVE, config.attention());
        assertEquals(Seq2SeqConfig.DecoderStyle.BAHDANAU, config.decoderStyle());
        assertEquals(Seq2SeqConfig.Bridge.CONCAT, config.bridge());
        assertFalse(config.inputFeeding());
        assertFalse(config.tieTargetEmbedding());
        assertEquals(6, config.memorySize());
        assertEquals(5 + 6, config.decoderInputSize());
        assertEquals(Fixtures.tiny().build(), config);
    }

    @Test
    void unknownPropertyIsRejected() {
        Exception e = assertThrows(UnrecognizedPropertyException.class,
                () -> JSON.readValue(MINIMAL + ", \"hiddenSize\": 4}", Seq2SeqConfig.class));
        assertTrue(e.getMessage().contains("hiddenSize"), e.getMessage());
    }

    @Test
    void missingRequiredPropertyIsRejected() {
        Exception e = assertThrows(Exception.class, () -> JSON.readValue(
                "{\"sourceVocabSize\": 11, \"targetVocabSize\": 13, \"encoderHiddenSize\": 3,"
                        + " \"decoderHiddenSize\": 6, \"attentionHiddenSize\": 7}", Seq2SeqConfig.class));
        assertTrue(e.getMessage().contains("embeddingSize"), e.getMessage());
    }

    @Test
    void badEnumValueIsRejected() {
        Exception e = assertThrows(Exception.class,
                () -> JSON.readValue(MINIMAL + ", \"attention\": \"MULTIPLICATIVE\"}", Seq2SeqConfig.class));
        assertTrue(e.getMessage().contains("MULTIPLICATIVE"), e.getMessage());
    }

    /** Each bad value fails naming the field (or the rule) and the value found; overrides merge into MINIMAL. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"embeddingSize\": 0} | embeddingSize must be positive, got 0",
        "{\"decoderLayers\": -1} | decoderLayers must be positive, got -1",
        "{\"targetVocabSize\": 4} | targetVocabSize must exceed the 4 reserved ids (pad, unk, bos, eos), got 4",
        "{\"dropout\": 1.0} | dropout must be in [0, 1), got 1.0",
        "{\"labelSmoothing\": -0.1} | labelSmoothing must be in [0, 1), got -0.1",
        "{\"attention\": \"DOT\"} | attentionHiddenSize is only used by ADDITIVE attention; it must be 0 for DOT, got 7",
        "{\"attentionHiddenSize\": 0} | attentionHiddenSize must be positive, got 0",
        "{\"decoderHiddenSize\": 8, \"bridge\": \"LINEAR\", \"attention\": \"DOT\", \"attentionHiddenSize\": 0}"
                + " | DOT attention needs directions * encoderHiddenSize == decoderHiddenSize, got 6",
        "{\"decoderHiddenSize\": 8} | bridge CONCAT needs directions * encoderHiddenSize == decoderHiddenSize, got 6",
        "{\"inputFeeding\": true} | inputFeeding is a LUONG option; decoderStyle is BAHDANAU",
        "{\"tieTargetEmbedding\": true} | tieTargetEmbedding needs embeddingSize == decoderHiddenSize"
                + " (the output reads HD features), got 5 and 6",
    })
    void badValuesAreRejectedWithFieldAndValue(String overrides, String message) throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(MINIMAL + "}");
        node.setAll((ObjectNode) JSON.readTree(overrides));
        Exception e = assertThrows(Exception.class, () -> JSON.treeToValue(node, Seq2SeqConfig.class));
        String all = e.getMessage() + (e.getCause() == null ? "" : " / " + e.getCause().getMessage());
        assertTrue(all.contains(message.trim()), "expected '" + message.trim() + "' in: " + all);
    }

    @Test
    void builderChecksRequiredFields() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqConfig.builder().setSourceVocabSize(5).setTargetVocabSize(9).build());
        assertEquals("embeddingSize must be positive, got 0", e.getMessage());
    }
}
