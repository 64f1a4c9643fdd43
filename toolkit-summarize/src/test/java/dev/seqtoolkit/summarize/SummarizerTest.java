package dev.seqtoolkit.summarize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.io.ModelBundle;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.summarize.extractive.ExtractiveConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The facade over a tiny extractive model trained once on synthetic news. */
class SummarizerTest {
    static SummarizerConfig config;
    static Summarizer summarizer;
    static List<SummaryExample> dev;
    static Path runDirectory;

    @BeforeAll
    static void train() throws IOException {
        ExtractiveConfig extractive = ExtractiveConfig.builder().optEmbeddingSize(8).optHiddenSize(8)
                .optSentenceHiddenSize(6).optPositionSize(4).optDropout(0f).optMaxSentences(8)
                .optMaxWordsPerSentence(12).optEpochs(6).optBatchSize(16).optLearningRate(0.02f)
                .optSummarySentences(1).optEarlyStopping(ExtractiveConfig.DevMetric.LOSS).build();
        config = Summarizer.builder().optExtractive(extractive).build();
        dev = SyntheticNews.documents(40, 22);
        runDirectory = Files.createTempDirectory("summarizer-run");
        summarizer = Summarizer.train(config, SyntheticNews.documents(240, 21), dev,
                TrainingOptions.builder().optRunDirectory(runDirectory.resolve("run")).build());
    }

    @AfterAll
    static void close() throws IOException {
        summarizer.close();
        try (var files = Files.walk(runDirectory)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void theRunDirectoryHoldsDevRougeAndLossPerEpochAndCheckpoints() throws IOException {
        Path run = runDirectory.resolve("run");
        List<String> epochs = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"dev\"")).toList();
        assertTrue(epochs.size() >= 2, epochs.toString());
        for (String line : epochs) {
            for (String metric : List.of("\"loss\"", "\"rouge1\"", "\"rouge2\"", "\"rougeL\"", "\"rouge\"")) {
                assertTrue(line.contains(metric), metric + " in " + line);
            }
        }
        assertTrue(Files.exists(run.resolve("best-parameters.bin")));
        try (var entries = Files.list(run.resolve("checkpoints"))) {
            assertTrue(entries.anyMatch(p -> p.getFileName().toString().startsWith("step-")), "a checkpoint in " + run);
        }
    }

    @Test
    void evaluatesWithRougeAgainstTheReferences() {
        Summarizer.Evaluation e = summarizer.evaluate(dev);
        assertEquals(dev.size(), e.documents());
        assertEquals(0, e.truncatedDocuments());
        assertTrue(e.scores().rouge1().f1() > 0.9, e.toString());
        assertTrue(e.scores().rouge2().f1() > 0.85, e.toString());
        assertTrue(e.documentsPerSecond() > 0);
        Summarizer.Evaluation three = summarizer.evaluate(dev, SummaryLength.sentences(3));
        assertTrue(three.scores().rouge1().recall() >= e.scores().rouge1().recall() - 1e-9, "more sentences, more recall");
        assertTrue(three.scores().rouge1().precision() < e.scores().rouge1().precision(), "and less precision");
    }

    @Test
    void summarizesOneOrManyWithLengths() {
        List<String> docs = List.of(dev.get(0).document(), "", dev.get(1).document(), "Just this sentence .");
        List<Summary> batch = summarizer.summarize(docs);
        assertEquals(4, batch.size());
        for (int i = 0; i < docs.size(); i++) {
            assertEquals(summarizer.summarize(docs.get(i)).sentences(), batch.get(i).sentences(), "document " + i);
        }
        assertEquals(dev.get(0).summary(), batch.get(0).text());
        assertTrue(batch.get(1).isEmpty());
        assertEquals("", batch.get(1).text());
        assertEquals(List.of("Just this sentence ."), batch.get(3).sentences());
        Summary two = summarizer.summarize(dev.get(2).document(), SummaryLength.sentences(2));
        assertEquals(2, two.sentences().size());
        assertEquals(String.join("\n", two.sentences()), two.text());
        Summary words = summarizer.summarize(dev.get(2).document(), SummaryLength.words(3));
        assertEquals(3, words.text().split(" ").length, words.text());
    }

    @Test
    void longDocumentsAreTruncatedAndReported() {
        StringBuilder doc = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            doc.append("The council said on monday that its people want new roads in the city plan now . ");
        }
        Summary s = summarizer.summarize(doc.toString());
        assertTrue(s.truncated());
        assertEquals(92, s.droppedSentences());
        assertEquals(100 * 17 - 8 * 12, s.droppedWords());
        assertEquals(1, s.sentences().size());
    }

    @Test
    void manyThreadsAtOnce() throws Exception {
        List<String> docs = dev.stream().map(SummaryExample::document).toList();
        List<Summary> expected = new ArrayList<>();
        for (String d : docs) {
            expected.add(summarizer.summarize(d));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Summary>> futures = new ArrayList<>();
            for (String d : docs) {
                futures.add(pool.submit(() -> summarizer.summarize(d)));
            }
            for (int i = 0; i < docs.size(); i++) {
                assertEquals(expected.get(i), futures.get(i).get(), "document " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void saveAndLoad(@TempDir Path dir) throws IOException {
        summarizer.save(dir.resolve("model"));
        try (Summarizer loaded = Summarizer.load(dir.resolve("model"))) {
            assertEquals(config, loaded.config());
            assertTrue(loaded.extractive().isPresent());
            for (SummaryExample e : dev.subList(0, 10)) {
                assertEquals(summarizer.summarize(e.document(), SummaryLength.sentences(2)),
                        loaded.summarize(e.document(), SummaryLength.sentences(2)));
            }
        }
    }

    @Test
    void bundlesOfOtherTasksAreRefusedNamingTheTask(@TempDir Path dir) throws IOException {
        saveBundle(dir.resolve("other"), "sentiment");
        BundleException other = assertThrows(BundleException.class, () -> Summarizer.load(dir.resolve("other")));
        assertTrue(other.getMessage().contains("not a summarization model (task is 'sentiment'"), other.getMessage());
    }

    private static void saveBundle(Path dir, String task) throws IOException {
        ObjectNode tree = SummarizerConfig.JSON.createObjectNode().put("task", task);
        ModelBundle.builder().setConfig(tree).setBlock(summarizer.extractive().orElseThrow().network())
                .setProvenance(Provenance.builder().setConfig(tree).build()).save(dir);
    }

    @Test
    void configJson(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("summarizer.json");
        config.save(file);
        assertEquals(config, SummarizerConfig.load(file));
        SummarizerConfig minimal = SummarizerConfig.fromJsonTree(SummarizerConfig.JSON.readTree(
                "{\"extractive\": {\"cell\": \"LSTM\"}}"), "test");
        assertEquals(SummarizerConfig.Mode.EXTRACTIVE, minimal.mode());
        assertEquals(CellType.LSTM, minimal.extractive().cell());
        SummarizerConfig abs = SummarizerConfig.fromJsonTree(SummarizerConfig.JSON.readTree(
                "{\"mode\": \"ABSTRACTIVE\", \"abstractive\": {\"hiddenSize\": 256}}"), "test");
        assertEquals(256, abs.abstractive().get("hiddenSize").asInt());
        Files.writeString(file, "{\"mode\": \"EXTRACTIVE\", \"extractiv\": {}}");
        IOException typo = assertThrows(IOException.class, () -> SummarizerConfig.load(file));
        assertTrue(typo.getMessage().contains("unknown field \"extractiv\""), typo.getMessage());
        Files.writeString(file, "{\"mode\": \"EXTRACT\"}");
        assertTrue(assertThrows(IOException.class, () -> SummarizerConfig.load(file)).getMessage()
                .contains("mode must be EXTRACTIVE or ABSTRACTIVE, got \"EXTRACT\""));
        Files.writeString(file, "{\"extractive\": {\"epochs\": 0}}");
        assertTrue(assertThrows(IOException.class, () -> SummarizerConfig.load(file)).getMessage()
                .endsWith("\"extractive\": extractive config: epochs must be >= 1, got 0"));
    }
}
