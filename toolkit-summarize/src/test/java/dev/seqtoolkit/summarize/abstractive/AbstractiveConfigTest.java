package dev.seqtoolkit.summarize.abstractive;

import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AbstractiveConfigTest {
    @TempDir Path dir;

    @Test
    void savedConfigLoadsEqual() throws IOException {
        AbstractiveConfig config = AbstractiveConfig.defaults()
                .withText(new AbstractiveConfig.Text(false, true, 300, 40, 5000, 2))
                .withModel(new AbstractiveConfig.Model(64, 96, 128, 32, CellType.GRU, true, true, 0.5f, 0.1f, 16))
                .withTraining(new AbstractiveConfig.Training(3, 8, 0.01f, 0f, 0, 7))
                .withDecoding(new DecodeOptions(2, 5, 30, 1.0, false, 4));
        Path file = dir.resolve("summarizer.json");
        config.save(file);
        assertEquals(config, AbstractiveConfig.load(file));
    }

    @Test
    void absentFieldsTakeDefaults() throws IOException {
        Path file = dir.resolve("partial.json");
        Files.writeString(file, "{\"model\": {\"coverage\": true}, \"decoding\": {\"beamSize\": 1}}");
        AbstractiveConfig config = AbstractiveConfig.load(file);
        assertTrue(config.model().coverage());
        assertTrue(config.model().copy());
        assertEquals(AbstractiveConfig.Model.defaults().embeddingSize(), config.model().embeddingSize());
        assertEquals(1, config.decoding().beamSize());
        assertTrue(config.decoding().blockRepeatedTrigrams());
        assertEquals(AbstractiveConfig.Text.defaults(), config.text());
        assertEquals(AbstractiveConfig.Training.defaults(), config.training());
    }

    @Test
    void modelSectionBecomesAPointerGeneratorConfig() {
        AbstractiveConfig.Model m = new AbstractiveConfig.Model(128, 256, 256, 256, CellType.LSTM, true, true, 0.5f, 0f, 0);
        Seq2SeqConfig c = m.seq2seqConfig(10000, 5);
        assertEquals(10000, c.sourceVocabSize());
        assertEquals(10000, c.targetVocabSize());
        assertEquals(512, c.memorySize());
        assertEquals(Seq2SeqConfig.Bridge.LINEAR, c.bridge());
        assertTrue(c.copy() && c.coverage());
        assertEquals(0.5f, c.coverageWeight());
        Seq2SeqConfig plain = AbstractiveConfig.Model.defaults().seq2seqConfig(99, 5);
        assertTrue(plain.copy());
        assertFalse(plain.coverage());
        assertEquals(0f, plain.coverageWeight());
    }

    @Test
    void utteranceEncoderNeedsTurnSeparators() {
        AbstractiveConfig.Model hierarchical = AbstractiveConfig.Model.defaults().withUtteranceHiddenSize(64);
        Seq2SeqConfig c = hierarchical.seq2seqConfig(500, 9);
        assertEquals(64, c.utteranceHiddenSize());
        assertEquals(9, c.utteranceSeparatorId());
        assertEquals(512 + 128, c.memorySize());
        Exception e = assertThrows(IllegalArgumentException.class, () -> AbstractiveConfig.defaults()
                .withModel(hierarchical).withText(new AbstractiveConfig.Text(true, false, 400, 100, 10000, 1)));
        assertEquals("model.utteranceHiddenSize needs text.turnSeparators: the utterance encoder cuts documents at"
                + " the turn tokens", e.getMessage());
    }

    @Test
    void unknownFieldIsRejectedNamingFileAndField() throws IOException {
        Path file = dir.resolve("typo.json");
        Files.writeString(file, "{\"decoding\": {\"beamSzie\": 4}}");
        IOException e = assertThrows(IOException.class, () -> AbstractiveConfig.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("beamSzie"), e.getMessage());
    }

    @Test
    void badValuesAreRejectedNamingTheField() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"text\": {\"maxSourceTokens\": 0}}");
        IOException e = assertThrows(IOException.class, () -> AbstractiveConfig.load(file));
        assertTrue(e.getMessage().contains("text.maxSourceTokens must be at least 1, got 0"), e.getMessage());
        Exception d = assertThrows(IllegalArgumentException.class, () -> new DecodeOptions(4, 50, 10, 0, true, 1));
        assertEquals("decoding.minLength 50 exceeds decoding.maxLength 10", d.getMessage());
        d = assertThrows(IllegalArgumentException.class, () -> new DecodeOptions(0, 0, 10, 0, true, 1));
        assertEquals("decoding.beamSize must be at least 1, got 0", d.getMessage());
        d = assertThrows(IllegalArgumentException.class, () -> new DecodeOptions(2, 0, 10, Double.NaN, true, 1));
        assertEquals("decoding.lengthPenalty must be >= 0 and finite, got NaN", d.getMessage());
        d = assertThrows(IllegalArgumentException.class, () -> new AbstractiveConfig.Model(
                128, 256, 256, 256, CellType.LSTM, true, true, -1f, 0f, 0));
        assertEquals("model.coverageWeight must be >= 0 and finite, got -1.0", d.getMessage());
        d = assertThrows(IllegalArgumentException.class, () -> new AbstractiveConfig.Training(1, 16, 0f, 1f, 3, 1));
        assertEquals("training.learningRate must be positive and finite, got 0.0", d.getMessage());
    }
}
