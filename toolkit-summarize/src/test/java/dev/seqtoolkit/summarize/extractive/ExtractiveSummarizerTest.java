package dev.seqtoolkit.summarize.extractive;

import dev.seqtoolkit.core.hierarchy.DocumentLimits;
import dev.seqtoolkit.core.hierarchy.DocumentTooLongException;
import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.summarize.SummaryExample;
import dev.seqtoolkit.summarize.SummaryLength;
import dev.seqtoolkit.summarize.SyntheticNews;
import dev.seqtoolkit.summarize.TrainingOptions;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny SummaRuNNer trained once on synthetic news whose summary is the sentence holding a marker word. */
class ExtractiveSummarizerTest {
    static ExtractiveConfig config;
    static ExtractiveSummarizer model;
    static List<SummaryExample> dev;

    @BeforeAll
    static void train() throws IOException {
        config = ExtractiveSummarizer.builder().optEmbeddingSize(8).optHiddenSize(8).optSentenceHiddenSize(6)
                .optPositionSize(4).optDropout(0f).optMaxSentences(8).optMaxWordsPerSentence(12).optEpochs(6)
                .optBatchSize(16).optLearningRate(0.02f).optSummarySentences(1).optPatience(3).build();
        dev = SyntheticNews.documents(40, 12);
        model = ExtractiveSummarizer.train(config, SyntheticNews.documents(240, 11), dev, TrainingOptions.defaults());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void learnsToExtractTheMarkerSentence() {
        int hits = 0;
        List<String> documents = dev.stream().map(SummaryExample::document).toList();
        List<ExtractiveSummary> summaries = model.summarize(documents, SummaryLength.sentences(1));
        for (int i = 0; i < dev.size(); i++) {
            hits += summaries.get(i).sentences().equals(List.of(dev.get(i).summary())) ? 1 : 0;
        }
        assertTrue(hits >= 0.9 * dev.size(), hits + " of " + dev.size() + " summaries are the marker sentence");
        ExtractiveTrainingReport r = model.trainingReport().orElseThrow();
        assertEquals(1.0, r.oracleSentencesPerDocument(), 0.0, "the oracle labels exactly the marker sentence");
        assertEquals(240, r.trainDocuments());
        assertTrue(r.training().bestMetric() > 0.9, "best dev ROUGE " + r.training().bestMetric());
    }

    @Test
    void summariesKeepDocumentOrderAndTheLengthAsked() {
        SummaryExample e = dev.get(3);
        ExtractiveSummary three = model.summarize(e.document(), SummaryLength.sentences(3));
        assertEquals(3, three.sentences().size());
        int[] idx = three.indices();
        assertTrue(idx[0] < idx[1] && idx[1] < idx[2], java.util.Arrays.toString(idx));
        assertTrue(three.sentences().contains(e.summary()), three.toString());
        String[] all = e.document().split("(?<= \\.) ");
        for (int k = 0; k < 3; k++) {
            assertEquals(all[idx[k]], three.sentences().get(k), "sentence " + idx[k] + " as in the source");
        }
        assertEquals(all.length, three.probabilities().length);
        assertEquals(List.of(e.summary()), model.summarize(e.document()).sentences(), "default: summarySentences 1");
        assertEquals(all.length, model.summarize(e.document(), SummaryLength.sentences(50)).sentences().size());

        ExtractiveSummary budget = model.summarize(e.document(), SummaryLength.words(25));
        int words = 0;
        for (String s : budget.sentences()) {
            words += s.split(" ").length;
        }
        assertTrue(words <= 25 && words > 0, budget.toString());
        assertTrue(budget.sentences().contains(e.summary()), "the best sentence fits: " + budget);
        ExtractiveSummary tiny = model.summarize(e.document(), SummaryLength.words(2));
        assertEquals(1, tiny.sentences().size());
        assertEquals(String.join(" ", List.of(e.summary().split(" ")).subList(0, 2)), tiny.sentences().get(0),
                "nothing fits two words: the best sentence is cut");
    }

    @Test
    void emptyAndOneSentenceDocuments() {
        for (String empty : List.of("", "   \n\n  ")) {
            ExtractiveSummary s = model.summarize(empty);
            assertTrue(s.isEmpty());
            assertEquals("", s.text());
            assertEquals(0, s.probabilities().length);
        }
        String one = "The Council met on Monday and said nothing new .";
        for (SummaryLength length : List.of(SummaryLength.defaults(), SummaryLength.sentences(3),
                SummaryLength.words(100))) {
            ExtractiveSummary s = model.summarize(one, length);
            assertEquals(List.of(one), s.sentences(), length.toString());
            assertArrayEquals(new int[] {0}, s.indices());
        }
    }

    @Test
    void aFiftyThousandWordDocumentIsReadWithinTheBoundOrRefused() {
        StringBuilder doc = new StringBuilder();
        String sentence = "The council said on monday a report on the new city plan was late and its people "
                + "want roads . "; // 19 words and a full stop: 20 tokens
        for (int s = 0; s < 2500; s++) {
            doc.append(s == 1700 ? sentence.replace("roads", SyntheticNews.MARKER) : sentence);
        }
        long started = System.nanoTime();
        ExtractiveSummary s = model.summarize(doc.toString(), SummaryLength.sentences(2));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(2500, s.documentSentences());
        assertEquals(8, s.probabilities().length, "the first maxSentences are read");
        assertEquals(2500 - 8, s.droppedSentences());
        assertEquals(50_000 - 8 * 12, s.droppedWords());
        assertTrue(s.truncated());
        for (int i : s.indices()) {
            assertTrue(i < 8, "only read sentences are extracted");
        }
        assertEquals(sentence.strip(), s.sentences().get(0), "extracted sentences are whole");
        assertTrue(seconds < 30, "took " + seconds + " s");

        ExtractiveConfig refusing = config.toBuilder().optOverflow(DocumentLimits.Overflow.REFUSE).build();
        ExtractiveSummarizer strict = new ExtractiveSummarizer(refusing, model.vocabulary(), model.network(),
                model.manager(), null); // shares the trained network; not closed here
        DocumentTooLongException e = assertThrows(DocumentTooLongException.class, () -> strict.summarize(doc.toString()));
        assertTrue(e.getMessage().contains("2500 sentences (limit 8)"), e.getMessage());
        assertTrue(e.getMessage().contains("20 words (limit 12)"), e.getMessage());
        assertEquals(1, strict.summarize(dev.get(0).document()).sentences().size(), "short documents still pass");
    }

    @Test
    void saveAndLoadGiveIdenticalScores(@TempDir Path dir) throws IOException {
        model.save(dir.resolve("ext"));
        List<String> docs = List.of(dev.get(0).document(), dev.get(1).document(), "", "One sentence only .");
        try (ExtractiveSummarizer loaded = ExtractiveSummarizer.load(dir.resolve("ext"))) {
            assertEquals(config, loaded.config());
            List<ExtractiveSummary> a = model.summarize(docs, SummaryLength.sentences(2));
            List<ExtractiveSummary> b = loaded.summarize(docs, SummaryLength.sentences(2));
            assertEquals(a, b);
            assertTrue(loaded.trainingReport().isEmpty());
        }
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        assertThrows(BundleException.class, () -> ExtractiveSummarizer.load(other));
    }

    @Test
    void manyThreadsGetWhatOneThreadGets() throws Exception {
        List<String> docs = dev.stream().map(SummaryExample::document).toList();
        List<ExtractiveSummary> sequential = new ArrayList<>();
        for (String d : docs) {
            sequential.add(model.summarize(d, SummaryLength.sentences(2))); // batched runs may differ in the last bit
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ExtractiveSummary>> futures = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (String d : docs) {
                    futures.add(pool.submit(() -> model.summarize(d, SummaryLength.sentences(2))));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(sequential.get(i % docs.size()), futures.get(i).get(), "document " + i % docs.size());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void trainingRefusesSetsWithoutUsableExamples() {
        List<SummaryExample> empty = List.of(new SummaryExample("1", "", "a summary"),
                new SummaryExample("2", "A document .", " \n "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExtractiveSummarizer.train(config, empty, dev, TrainingOptions.defaults()));
        assertEquals("no usable training example: all 2 have an empty document or an empty summary", e.getMessage());
    }

    @Test
    void configRoundTripsThroughJsonAndRejectsTyposAndBadValues(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("extractive.json");
        config.save(file);
        assertEquals(config, ExtractiveConfig.load(file));
        ExtractiveConfig partial = ExtractiveConfig.fromJsonTree(
                ExtractiveConfig.JSON.readTree("{\"cell\": \"LSTM\", \"earlyStopping\": \"LOSS\"}"), "test");
        assertEquals(CellType.LSTM, partial.cell());
        assertEquals(ExtractiveConfig.DevMetric.LOSS, partial.earlyStopping());
        assertEquals(ExtractiveConfig.builder().build().maxSentences(), partial.maxSentences());
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> ExtractiveConfig.fromJsonTree(
                ExtractiveConfig.JSON.readTree("{\"maxSentence\": 3}"), "my.json"));
        assertTrue(typo.getMessage().startsWith("my.json: unknown field \"maxSentence\""), typo.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ExtractiveConfig.fromJsonTree(
                ExtractiveConfig.JSON.readTree("{\"maxSentences\": 0}"), "my.json"));
        assertEquals("my.json: extractive config: maxSentences must be in [1, 1000], got 0", bad.getMessage());
        assertFalse(config.toJsonTree().has("task"));
    }
}
