package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.hierarchy.DocumentLimits;
import dev.seqtoolkit.core.hierarchy.DocumentTooLongException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny three-class sentence model trained once on synthetic data, then probed. */
class SentimentClassifierTest {
    static final List<String> LABELS = List.of("neg", "pos", "neu");
    static SentimentConfig config;
    static SentimentClassifier model;
    static List<LabeledText> dev;

    @BeforeAll
    static void train() throws IOException {
        config = SentimentClassifier.builder().setLabels(LABELS).optEmbeddingSize(12).optHiddenSize(9)
                .optAttentionSize(7).optDropout(0f).optEpochs(8).optBatchSize(16).optLearningRate(0.02f)
                .optPatience(3).optMaxWords(30).build();
        dev = Synthetic.sentences(60, 2, true);
        model = SentimentClassifier.train(config, Synthetic.sentences(300, 1, true), dev, TrainingOptions.defaults());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void fitsTheSyntheticSetAndEvaluates() {
        TrainingReport r = model.trainingReport().orElseThrow();
        assertTrue(r.training().bestMetric() > 0.9, "best dev accuracy " + r.training().bestMetric());
        Evaluation e = model.evaluate(dev);
        assertTrue(e.accuracy() > 0.9, "accuracy " + e.accuracy());
        assertTrue(e.macroF1() > 0.85, "macro-F1 " + e.macroF1());
        long[][] confusion = e.report().confusionMatrix();
        assertEquals(3, confusion.length);
        long total = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                total += v;
            }
        }
        assertEquals(60, total);
        assertEquals(r.training().bestMetric(), e.accuracy(), 1e-9, "the best dev epoch's parameters were kept");
    }

    @Test
    void anInterruptedRunResumesFromItsRunDirectoryToTheRaisedEpochCount(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        List<LabeledText> train = Synthetic.sentences(96, 5, true); // 6 batches of 16
        SentimentConfig twoEpochs = config.toBuilder().optEpochs(2).optPatience(9).build();
        try (SentimentClassifier first = SentimentClassifier.train(twoEpochs, train, dev,
                TrainingOptions.builder().optRunDirectory(run).build())) {
            assertEquals(12, first.trainingReport().orElseThrow().training().globalSteps());
        }
        SentimentConfig fourEpochs = twoEpochs.toBuilder().optEpochs(4).build();
        try (SentimentClassifier resumed = SentimentClassifier.train(fourEpochs, train, dev,
                TrainingOptions.builder().optRunDirectory(run).optResume(true).build())) {
            assertEquals(24, resumed.trainingReport().orElseThrow().training().globalSteps(),
                    "steps 13-24 run on top of the checkpointed 12");
            assertEquals(4, resumed.trainingReport().orElseThrow().training().epochsCompleted());
        }
        SentimentConfig otherSize = fourEpochs.toBuilder().optEmbeddingSize(13).build();
        IOException mismatch = assertThrows(IOException.class, () -> SentimentClassifier.train(otherSize, train, dev,
                TrainingOptions.builder().optRunDirectory(run).optResume(true).build()));
        assertTrue(mismatch.getMessage().contains("saved by a different model"), mismatch.getMessage());
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SentimentClassifier.train(fourEpochs,
                train, dev, TrainingOptions.builder().optRunDirectory(empty).optResume(true).build()));
        assertTrue(e.getMessage().contains("no complete checkpoint"), e.getMessage());
        IllegalArgumentException noDir = assertThrows(IllegalArgumentException.class,
                () -> TrainingOptions.builder().optResume(true).build());
        assertTrue(noDir.getMessage().contains("run directory"), noDir.getMessage());
    }

    @Test
    void predictionCarriesProbabilitiesAndWordAttention() {
        Prediction p = model.predict("the plot was superb and fun");
        assertEquals("pos", p.label());
        double sum = 0;
        for (double v : p.probabilities()) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals(1, p.sentences().size());
        SentenceAttention s = p.sentences().get(0);
        assertEquals(List.of("the", "plot", "was", "superb", "and", "fun"), s.tokens());
        double[] w = s.wordWeights();
        assertEquals(6, w.length);
        assertEquals(1.0, java.util.Arrays.stream(w).sum(), 1e-5);
        assertEquals(1.0, s.weight());
        assertTrue(p.probability("pos") > p.probability("neg"));
        assertThrows(IllegalArgumentException.class, () -> p.probability("positive"));
    }

    @Test
    void batchedPredictionEqualsOneByOne() {
        List<String> texts = List.of("awful", "the movie was good", "a film this average and the plot it was", "");
        List<Prediction> batched = model.predict(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(model.predict(texts.get(i)).probabilities(), batched.get(i).probabilities(), 1e-5,
                    "text " + i);
        }
    }

    @Test
    void badInputGivesValidPredictions() {
        Prediction empty = model.predict("");
        assertTrue(empty.empty());
        assertTrue(empty.tokens().isEmpty());
        Prediction unknown = model.predict("zzzqx");
        assertFalse(unknown.empty());
        assertArrayEquals(unknown.probabilities(), empty.probabilities(), 1e-6,
                "empty text reads as one <unk>, as does one unknown word");
        for (String text : List.of("   \n\t ", "?!... ;;; ---", "qqq www eee", "это очень хороший фильм",
                "这部电影很好看", "film très ennuyeux")) {
            Prediction p = model.predict(text);
            assertEquals(1.0, java.util.Arrays.stream(p.probabilities()).sum(), 1e-5, text);
            assertTrue(LABELS.contains(p.label()), text);
        }
    }

    @Test
    void longTextIsTruncatedToTheLimitOrRefused() throws IOException {
        String huge = String.join(" ", Collections.nCopies(20_000, "good"));
        Prediction p = model.predict(huge);
        assertEquals(30, p.tokens().size());
        assertEquals(20_000 - 30, p.droppedWords());
        SentimentConfig refusing = config.toBuilder().optOverflow(DocumentLimits.Overflow.REFUSE).optEpochs(1).build();
        try (SentimentClassifier strict = SentimentClassifier.train(refusing, Synthetic.sentences(20, 5, true),
                Synthetic.sentences(5, 6, true), TrainingOptions.defaults())) {
            DocumentTooLongException e = assertThrows(DocumentTooLongException.class, () -> strict.predict(huge));
            assertTrue(e.getMessage().contains("20000 words (limit 30)"), e.getMessage());
        }
    }

    @Test
    void trainingLabelOutsideTheDeclaredSetNamesTheLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("train.txt");
        Files.writeString(file, "pos good film\nneg bad film\nmixed good and bad\n");
        IOException e = assertThrows(IOException.class, () -> LabeledFiles.read(file, LabeledFiles.Format.SPACE, LABELS));
        assertTrue(e.getMessage().contains(file + ":3") && e.getMessage().contains("mixed"), e.getMessage());
        List<LabeledText> train = new ArrayList<>(Synthetic.sentences(10, 3, true));
        train.add(new LabeledText("so so", "meh", "reviews.txt:11"));
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> SentimentClassifier.train(config, train, dev, TrainingOptions.defaults()));
        assertTrue(t.getMessage().contains("reviews.txt:11") && t.getMessage().contains("\"meh\""), t.getMessage());
        IllegalArgumentException ev = assertThrows(IllegalArgumentException.class,
                () -> model.evaluate(List.of(LabeledText.of("good", "POS"))));
        assertTrue(ev.getMessage().contains("\"POS\""), ev.getMessage());
    }

    @Test
    void saveAndLoadGiveIdenticalPredictions(@TempDir Path dir) throws IOException {
        Path bundle = dir.resolve("model");
        model.save(bundle);
        List<String> texts = List.of("the movie was good", "boring plot", "okay", "", "unseen words here");
        try (SentimentClassifier loaded = SentimentClassifier.load(bundle)) {
            assertEquals(model.config(), loaded.config());
            assertEquals(model.vocabulary(), loaded.vocabulary());
            List<Prediction> a = model.predict(texts);
            List<Prediction> b = loaded.predict(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(a.get(i).probabilities(), b.get(i).probabilities(), 0.0, "text " + i);
                assertArrayEquals(a.get(i).sentences().isEmpty() ? new double[0] : a.get(i).sentences().get(0).wordWeights(),
                        b.get(i).sentences().isEmpty() ? new double[0] : b.get(i).sentences().get(0).wordWeights(), 0.0);
            }
        }
        IOException wrong = assertThrows(IOException.class, () -> DocumentSentimentClassifier.load(bundle));
        assertTrue(wrong.getMessage().contains("SENTENCE"), wrong.getMessage());
    }

    @Test
    void manyThreadsGetTheSameAnswers() throws Exception {
        List<String> texts = new ArrayList<>();
        for (LabeledText t : dev.subList(0, 24)) {
            texts.add(t.text());
        }
        List<Prediction> expected = model.predict(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                final int offset = k;
                futures.add(pool.submit(() -> {
                    for (int j = 0; j < texts.size(); j++) {
                        int i = (j + offset) % texts.size();
                        double[] got = offset % 2 == 0 ? model.predict(texts.get(i)).probabilities()
                                : model.predict(texts).get(i).probabilities();
                        double[] want = expected.get(i).probabilities();
                        for (int c = 0; c < want.length; c++) {
                            if (Math.abs(got[c] - want[c]) > 1e-5) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : futures) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void htmlHighlightsEveryWord(@TempDir Path dir) throws IOException {
        Prediction p = model.predict("the <b>plot</b> was good & fun");
        Path file = dir.resolve("attention.html");
        AttentionHtml.write(List.of(p, model.predict("")), file);
        String html = Files.readString(file);
        assertTrue(html.contains("&lt;b&gt;plot&lt;/b&gt;"), "escaped token");
        assertFalse(html.contains("<b>plot"), "raw markup leaked");
        assertEquals(p.tokens().size(), html.split("class=\"w\"", -1).length - 1, "one span per word");
        assertTrue(html.contains("rgba(255,0,0,1.000)"), "the top word is fully highlighted");
        assertTrue(html.contains("(no words)"));
    }

    @Test
    void maxPoolingHasNoWordAttention() throws IOException {
        SentimentConfig max = config.toBuilder().optPooling(SentimentConfig.PoolingKind.MAX).optEpochs(1).build();
        try (SentimentClassifier c = SentimentClassifier.train(max, Synthetic.sentences(20, 7, true),
                Synthetic.sentences(5, 8, true), TrainingOptions.defaults())) {
            Prediction p = c.predict("good film");
            assertEquals(0, p.sentences().get(0).wordWeights().length);
            assertEquals(2, p.tokens().size());
        }
    }
}
