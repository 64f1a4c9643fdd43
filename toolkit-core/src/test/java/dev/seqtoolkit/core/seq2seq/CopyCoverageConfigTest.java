package dev.seqtoolkit.core.seq2seq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.seqtoolkit.core.nn.CellType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The copy and coverage switches of {@link Seq2SeqConfig}: defaults, JSON, checks. */
class CopyCoverageConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MINIMAL = "{\"sourceVocabSize\": 13, \"targetVocabSize\": 13, \"embeddingSize\": 5,"
            + " \"encoderHiddenSize\": 3, \"decoderHiddenSize\": 6, \"attentionHiddenSize\": 7";

    @Test
    void offByDefaultAndLeftOutOfTheJson() throws Exception {
        Seq2SeqConfig config = JSON.readValue(MINIMAL + "}", Seq2SeqConfig.class);
        assertFalse(config.copy());
        assertFalse(config.coverage());
        assertEquals(0f, config.coverageWeight());
        // a config without copy and coverage writes exactly the fields of earlier versions, in order
        assertEquals("{\"sourceVocabSize\":13,\"targetVocabSize\":13,\"embeddingSize\":5,\"cell\":\"LSTM\","
                + "\"encoderHiddenSize\":3,\"encoderLayers\":1,\"bidirectional\":true,\"decoderHiddenSize\":6,"
                + "\"decoderLayers\":1,\"attention\":\"ADDITIVE\",\"attentionHiddenSize\":7,"
                + "\"decoderStyle\":\"BAHDANAU\",\"inputFeeding\":false,\"bridge\":\"CONCAT\",\"dropout\":0.0,"
                + "\"tieTargetEmbedding\":false,\"labelSmoothing\":0.0}", JSON.writeValueAsString(config));
    }

    @Test
    void aStrictMapperReadsAConfigOfAnEarlierVersion() throws Exception {
        // task configs read the model section with FAIL_ON_NULL_FOR_PRIMITIVES: the new fields are optional
        ObjectMapper strict = new ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        String earlier = JSON.writeValueAsString(JSON.readValue(MINIMAL + "}", Seq2SeqConfig.class));
        Seq2SeqConfig config = strict.readValue(earlier, Seq2SeqConfig.class);
        assertFalse(config.copy() || config.coverage() || config.hasUtteranceEncoder());
        assertEquals(JSON.readValue(MINIMAL + "}", Seq2SeqConfig.class), config);
    }

    @Test
    void jsonRoundTripWithCopyAndCoverage() throws Exception {
        Seq2SeqConfig config = Fixtures.tiny().setSourceVocabSize(13).optCopy(true).optCoverage(true)
                .optCoverageWeight(0.25f).optCell(CellType.GRU).build();
        String json = JSON.writeValueAsString(config);
        assertTrue(json.endsWith("\"copy\":true,\"coverage\":true,\"coverageWeight\":0.25}"), json);
        Seq2SeqConfig back = JSON.readValue(json, Seq2SeqConfig.class);
        assertEquals(config, back);
        assertEquals(config, back.toBuilder().build());
    }

    @Test
    void coverageWeightDefaultsToOne() throws Exception {
        Seq2SeqConfig config = JSON.readValue(MINIMAL + ", \"coverage\": true}", Seq2SeqConfig.class);
        assertEquals(1f, config.coverageWeight());
        assertEquals(1f, Fixtures.tiny().optCoverage(true).build().coverageWeight());
        assertTrue(config.stepsInTraining());
        // a fused LUONG decoder steps explicit cells once coverage is on
        Seq2SeqConfig luong = Fixtures.tiny().optDecoderStyle(Seq2SeqConfig.DecoderStyle.LUONG).build();
        assertFalse(luong.stepsInTraining());
        assertTrue(luong.toBuilder().optCoverage(true).build().stepsInTraining());
    }

    @Test
    void copyNeedsOneSharedVocabulary() {
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.tiny().optCopy(true).build()); // 11 and 13
        assertEquals("copy needs one vocabulary shared by source and target (extended ids name the same words on"
                + " both sides), got sourceVocabSize 11 and targetVocabSize 13", e.getMessage());
    }

    @Test
    void copyRefusesLabelSmoothing() {
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.tiny().setSourceVocabSize(13).optCopy(true).optLabelSmoothing(0.1f).build());
        assertTrue(e.getMessage().startsWith("labelSmoothing is not supported with copy"), e.getMessage());
    }

    @Test
    void coverageNeedsAdditiveAttention() {
        Exception e = assertThrows(IllegalArgumentException.class, () -> Fixtures.tiny()
                .optAttention(Seq2SeqConfig.AttentionType.GENERAL, 0).optCoverage(true).build());
        assertTrue(e.getMessage().contains("not defined for GENERAL attention"), e.getMessage());
        Exception json = assertThrows(ValueInstantiationException.class, () -> JSON.readValue(
                MINIMAL.replace("7", "0") + ", \"attention\": \"DOT\", \"coverage\": true}",
                Seq2SeqConfig.class));
        assertTrue(json.getMessage().contains("not defined for DOT attention"), json.getMessage());
    }

    @Test
    void coverageWeightIsChecked() {
        Exception without = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.tiny().optCoverageWeight(0.5f).build());
        assertEquals("coverageWeight is the weight of the coverage loss; it must be 0 (or absent) without coverage,"
                + " got 0.5", without.getMessage());
        Exception negative = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.tiny().optCoverage(true).optCoverageWeight(-1f).build());
        assertEquals("coverageWeight must be finite and >= 0, got -1.0", negative.getMessage());
        Exception nan = assertThrows(ValueInstantiationException.class, () -> JSON.readValue(
                MINIMAL + ", \"coverage\": true, \"coverageWeight\": \"NaN\"}", Seq2SeqConfig.class));
        assertTrue(nan.getMessage().contains("coverageWeight must be finite and >= 0, got NaN"), nan.getMessage());
    }
}
