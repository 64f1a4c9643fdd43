package dev.seqtoolkit.sentiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seqtoolkit.core.nn.CellType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentimentConfigTest {

    @Test
    void roundTripsThroughJson(@TempDir Path dir) throws IOException {
        SentimentConfig c = SentimentClassifier.builder().setLabels(List.of("neg", "pos")).optCell(CellType.GRU)
                .optHiddenSize(7).optPooling(SentimentConfig.PoolingKind.MEAN).optEpochs(3).build();
        Path file = dir.resolve("c.json");
        c.save(file);
        assertEquals(c, SentimentConfig.load(file));
    }

    @Test
    void absentFieldsTakeTheArchitectureDefaults() {
        JsonNode tree = SentimentConfig.JSON.createObjectNode().put("architecture", "HIERARCHICAL")
                .set("labels", SentimentConfig.JSON.valueToTree(List.of("1", "2", "3")));
        SentimentConfig c = SentimentConfig.fromJsonTree(tree, "test");
        assertEquals(SentimentConfig.TokenizerKind.CORENLP, c.tokenizer());
        assertEquals(64, c.maxSentences());
        assertEquals(3, c.labels().size());
    }

    @Test
    void rejectsUnknownFieldsBadValuesAndMissingLabels(@TempDir Path dir) throws IOException {
        Path typo = dir.resolve("typo.json");
        Files.writeString(typo, "{\"labels\": [\"0\", \"1\"], \"hiddenSise\": 5}");
        IOException e = assertThrows(IOException.class, () -> SentimentConfig.load(typo));
        assertTrue(e.getMessage().contains("hiddenSise") && e.getMessage().contains(typo.toString()), e.getMessage());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"labels\": [\"0\", \"1\"], \"dropout\": 1.5}");
        e = assertThrows(IOException.class, () -> SentimentConfig.load(bad));
        assertTrue(e.getMessage().contains("dropout") && e.getMessage().contains("1.5"), e.getMessage());
        Path none = dir.resolve("none.json");
        Files.writeString(none, "{\"epochs\": 2}");
        e = assertThrows(IOException.class, () -> SentimentConfig.load(none));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> SentimentClassifier.builder().setLabels(List.of("a", "a")).build());
        assertTrue(d.getMessage().contains("distinct"), d.getMessage());
        IllegalArgumentException h = assertThrows(IllegalArgumentException.class,
                () -> DocumentSentimentClassifier.builder().setLabels(List.of("a", "b"))
                        .optPooling(SentimentConfig.PoolingKind.MAX).build());
        assertTrue(h.getMessage().contains("pooling"), h.getMessage());
    }
}
