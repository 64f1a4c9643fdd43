package dev.seqtoolkit.translate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranslatorConfigTest {
    @TempDir
    Path dir;

    @Test
    void savedConfigLoadsEqual() throws IOException {
        TranslatorConfig config = TranslatorConfig.defaults()
                .withPipeline(new TranslatorConfig.Pipeline(123, false, true, 2, 500, 77))
                .withDecoding(new TranslatorConfig.Decoding(3, 1.0, 2.0, 4, false, 8));
        Path file = dir.resolve("translator.json");
        config.save(file);
        assertEquals(config, TranslatorConfig.load(file));
    }

    @Test
    void absentFieldsTakeDefaults() throws IOException {
        Path file = dir.resolve("partial.json");
        Files.writeString(file, "{\"pipeline\": {\"merges\": 100}, \"training\": {\"epochs\": 2}}");
        TranslatorConfig config = TranslatorConfig.load(file);
        assertEquals(100, config.pipeline().merges());
        assertEquals(TranslatorConfig.Pipeline.defaults().maxSourceTokens(), config.pipeline().maxSourceTokens());
        assertEquals(2, config.training().epochs());
        assertEquals(TranslatorConfig.Training.defaults().learningRate(), config.training().learningRate());
        assertEquals(TranslatorConfig.Decoding.defaults(), config.decoding());
    }

    @Test
    void unknownFieldIsRejectedNamingFileAndField() throws IOException {
        Path file = dir.resolve("typo.json");
        Files.writeString(file, "{\"decoding\": {\"beamSzie\": 4}}");
        IOException e = assertThrows(IOException.class, () -> TranslatorConfig.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("beamSzie"), e.getMessage());
    }

    @Test
    void badValueIsRejectedNamingTheField() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"pipeline\": {\"maxSourceTokens\": 5000}}");
        IOException e = assertThrows(IOException.class, () -> TranslatorConfig.load(file));
        assertTrue(e.getMessage().contains("pipeline.maxSourceTokens") && e.getMessage().contains("5000"), e.getMessage());
        Files.writeString(file, "{\"training\": {\"optimizer\": \"RMSPROP\"}}");
        e = assertThrows(IOException.class, () -> TranslatorConfig.load(file));
        assertTrue(e.getMessage().contains("RMSPROP"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TranslatorConfig.Decoding(0, 0, 1, 0, true, 1));
    }

    @Test
    void copyModelIsRefused() {
        var model = TranslatorConfig.defaultModel().put("labelSmoothing", 0).put("copy", true);
        Exception e = assertThrows(IllegalArgumentException.class, () -> TranslatorConfig.defaults().withModel(model));
        assertEquals("model.copy is not supported by the translator: the copy mechanism needs one vocabulary shared"
                + " by both languages and sources with extended ids", e.getMessage());
        // coverage alone decodes with the translator's usual source ids
        var coverage = TranslatorConfig.defaultModel().put("coverage", true);
        assertTrue(TranslatorConfig.defaults().withModel(coverage).modelConfig(7, 9).coverage());
    }

    @Test
    void invalidUtf8ConfigNamesFileAndLine() throws IOException {
        Path file = dir.resolve("latin1.json");
        Files.write(file, new byte[] {'{', '\n', '"', (byte) 0xE9, '"', ':', '1', '}'});
        IOException e = assertThrows(IOException.class, () -> TranslatorConfig.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("line 2"), e.getMessage());
    }
}
