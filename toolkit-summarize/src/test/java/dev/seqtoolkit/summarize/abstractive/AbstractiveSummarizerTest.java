package dev.seqtoolkit.summarize.abstractive;

import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.text.Vocabulary;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.text.CoreNlpTokenizer;
import dev.seqtoolkit.summarize.SummaryExample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small pointer-generator summarizer trained on synthetic two-turn dialogues whose summary names
 * both speakers and the place: {@code "Zorbel: hi Quaxo, shall we meet at the park?\nQuaxo: ok, see
 * you at the park."} gives {@code "zorbel and quaxo meet at the park ."}. The test dialogues use names
 * it never saw, which it can only get right by copying them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbstractiveSummarizerTest {
    private static final String[] PLACES = {"park", "station", "cinema", "office", "beach"};

    @TempDir static Path dir;
    private AbstractiveSummarizer summarizer;
    private List<SummaryExample> test;

    private static String name(Random random) {
        StringBuilder b = new StringBuilder().append((char) ('A' + random.nextInt(26)));
        for (int i = 0; i < 4 + random.nextInt(3); i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    static List<SummaryExample> dialogues(Random random, int n, String idPrefix) {
        List<SummaryExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String a = name(random);
            String b = name(random);
            String place = PLACES[random.nextInt(PLACES.length)];
            String document = a + ": hi " + b + ", shall we meet at the " + place + "?\n" + b + ": ok, see you at the "
                    + place + ".";
            String summary = a + " and " + b + " meet at the " + place + ".";
            out.add(new SummaryExample(idPrefix + i, document, summary));
        }
        return out;
    }

    @BeforeAll
    void train() throws Exception {
        AbstractiveConfig config = AbstractiveConfig.defaults()
                .withText(new AbstractiveConfig.Text(true, true, 40, 20, 200, 2))
                .withModel(new AbstractiveConfig.Model(16, 24, 32, 16, CellType.LSTM, true, true, 1f, 0f, 0))
                .withTraining(new AbstractiveConfig.Training(4, 16, 0.01f, 1f, 2, 5))
                .withDecoding(new DecodeOptions(3, 0, 20, 0.0, true, 8));
        List<SummaryExample> train = new ArrayList<>(dialogues(new Random(1), 320, "train-"));
        train.add(new SummaryExample("empty", "  \n ", "nothing"));
        summarizer = AbstractiveSummarizer.train(config, train, dialogues(new Random(2), 40, "dev-"),
                dir.resolve("run"), false);
        test = dialogues(new Random(3), 30, "test-");
    }

    @AfterAll
    void close() {
        summarizer.close();
    }

    private static String expected(SummaryExample e) {
        return e.summary().toLowerCase(java.util.Locale.ROOT);
    }

    private double accuracy(List<String> summaries) {
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            if (summaries.get(i).equals(expected(test.get(i)))) {
                correct++;
            }
        }
        return correct / (double) test.size();
    }

    private List<String> documents() {
        return test.stream().map(SummaryExample::document).toList();
    }

    @Test
    void copiesNamesItNeverSaw() {
        AbstractiveSummarizer.TrainingReport report = summarizer.trainingReport().orElseThrow();
        assertEquals(320, report.trainExamples());
        assertEquals(1, report.skippedEmpty());
        assertEquals(40, report.devExamples());
        assertTrue(Files.isRegularFile(dir.resolve("run").resolve("metrics.jsonl")));
        List<String> beam = summarizer.summarize(documents());
        List<String> greedy = summarizer.summarize(documents(), summarizer.config().decoding().withBeamSize(1));
        double beamAccuracy = accuracy(beam);
        double greedyAccuracy = accuracy(greedy);
        System.out.printf("synthetic dialogues: best dev loss %.4f after %d epochs; exact summaries beam %.3f,"
                + " greedy %.3f; e.g. \"%s\"%n", report.training().bestMetric(), report.training().epochsCompleted(),
                beamAccuracy, greedyAccuracy, beam.get(0));
        assertTrue(beamAccuracy >= 0.8, "beam: " + beam);
        assertTrue(greedyAccuracy >= 0.8, "greedy: " + greedy);
    }

    @Test
    void decodeOptionsShapeTheSummaries() {
        List<String> documents = documents().subList(0, 5);
        CoreNlpTokenizer tokenizer = CoreNlpTokenizer.create();
        List<String> capped = summarizer.summarize(documents, summarizer.config().decoding().withLengths(0, 3));
        for (String s : capped) {
            assertEquals(3, tokenizer.tokenize(s).size(), s);
        }
        List<String> longer = summarizer.summarize(documents, summarizer.config().decoding().withLengths(12, 20));
        for (String s : longer) {
            List<String> words = tokenizer.tokenize(s);
            assertTrue(words.size() >= 12, s);
            // no trigram twice, though the model would rather repeat itself than go on
            for (int i = 0; i + 2 < words.size(); i++) {
                for (int j = i + 1; j + 2 < words.size(); j++) {
                    assertTrue(!words.subList(i, i + 3).equals(words.subList(j, j + 3)), "repeated trigram in " + s);
                }
            }
        }
    }

    @Test
    void emptyDocumentsGiveEmptySummariesAndNullFailsNamingItsIndex() {
        List<String> out = summarizer.summarize(List.of("", test.get(0).document(), " \n\t "));
        assertEquals("", out.get(0));
        assertEquals("", out.get(2));
        assertEquals(summarizer.summarize(test.get(0).document()), out.get(1));
        List<String> withNull = new ArrayList<>();
        withNull.add("x");
        withNull.add(null);
        Exception e = assertThrows(NullPointerException.class, () -> summarizer.summarize(withNull));
        assertEquals("document 1", e.getMessage());
    }

    @Test
    void saveAndLoadGiveTheSameSummaries() throws Exception {
        Path bundle = dir.resolve("bundle");
        summarizer.save(bundle);
        try (AbstractiveSummarizer loaded = AbstractiveSummarizer.load(bundle)) {
            assertEquals(summarizer.config(), loaded.config());
            assertEquals(summarizer.vocabulary(), loaded.vocabulary());
            assertEquals(summarizer.summarize(documents()), loaded.summarize(documents()));
            DecodeOptions greedy = summarizer.config().decoding().withBeamSize(1);
            assertEquals(summarizer.summarize(documents(), greedy), loaded.summarize(documents(), greedy));
        }
        Files.writeString(bundle.resolve("config.json"), "{}");
        BundleException e = assertThrows(BundleException.class, () -> AbstractiveSummarizer.load(bundle));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void onnxExportSummarizesAsTheDjlModelInOnnxRuntime() throws Exception {
        Path export = dir.resolve("onnx");
        summarizer.exportOnnx(export);
        List<String> documents = documents();
        DecodeOptions greedy = summarizer.config().decoding().withBeamSize(1);
        List<String> beam = summarizer.summarize(documents);
        try (AbstractiveSummarizer onnx = AbstractiveSummarizer.load(export)) {
            assertEquals(summarizer.config(), onnx.config());
            assertEquals(beam, onnx.summarize(documents), "beam search, copy and coverage");
            assertEquals(summarizer.summarize(documents, greedy), onnx.summarize(documents, greedy));
            assertTrue(accuracy(onnx.summarize(documents)) > 0.5, "copies names it never saw");
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<List<String>>> futures = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    futures.add(pool.submit(() -> onnx.summarize(documents)));
                }
                for (Future<List<String>> f : futures) {
                    assertEquals(beam, f.get(), "one ONNX Runtime session pair shared by three threads");
                }
            } finally {
                pool.shutdown();
            }
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> onnx.save(dir.resolve("not-a-bundle")));
            assertTrue(e.getMessage().contains("ONNX export"), e.getMessage());
        }
        try (dev.seqtoolkit.summarize.Summarizer facade = dev.seqtoolkit.summarize.Summarizer.load(export)) {
            assertEquals(beam.get(0), facade.summarize(documents.get(0)).text());
        }
        Vocabulary other = Vocabulary.of(List.of(Vocabulary.PAD, Vocabulary.UNK, Vocabulary.BOS, Vocabulary.EOS, "x"));
        other.save(export.resolve(AbstractiveOnnx.VOCABULARY));
        BundleException e = assertThrows(BundleException.class, () -> AbstractiveSummarizer.load(export));
        assertTrue(e.getMessage().contains(AbstractiveOnnx.VOCABULARY) && e.getMessage().contains("not the vocabulary"),
                e.getMessage());
    }

    @Test
    void utteranceEncoderTrainsSavesAndLoads() throws Exception {
        AbstractiveConfig config = summarizer.config()
                .withModel(summarizer.config().model().withUtteranceHiddenSize(8))
                .withTraining(new AbstractiveConfig.Training(1, 16, 0.01f, 1f, 0, 5));
        try (AbstractiveSummarizer hierarchical = AbstractiveSummarizer.train(config,
                dialogues(new Random(4), 48, "h-"), List.of(), null, false)) {
            assertEquals(8, hierarchical.model().config().utteranceHiddenSize());
            assertEquals(hierarchical.vocabulary().index(AbstractiveText.TURN),
                    hierarchical.model().config().utteranceSeparatorId());
            Path bundle = dir.resolve("hierarchical");
            hierarchical.save(bundle);
            List<String> documents = documents().subList(0, 6);
            try (AbstractiveSummarizer loaded = AbstractiveSummarizer.load(bundle)) {
                assertEquals(hierarchical.summarize(documents), loaded.summarize(documents));
            }
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> hierarchical.exportOnnx(dir.resolve("hierarchical-onnx")));
            assertTrue(e.getMessage().contains("utterance encoder"), e.getMessage());
        }
    }

    @Test
    void concurrentCallsGiveTheSequentialSummaries() throws Exception {
        List<String> documents = documents();
        List<String> sequential = summarizer.summarize(documents);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int shift = t;
                futures.add(pool.submit(() -> {
                    List<String> out = new ArrayList<>();
                    for (int i = 0; i < documents.size(); i++) {
                        int k = (i + shift * 7) % documents.size();
                        out.add(k + "\t" + summarizer.summarize(documents.get(k)));
                    }
                    return out;
                }));
            }
            for (Future<List<String>> f : futures) {
                for (String line : f.get()) {
                    int tab = line.indexOf('\t');
                    assertEquals(sequential.get(Integer.parseInt(line.substring(0, tab))), line.substring(tab + 1));
                }
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(summarizer.stepModels() <= Math.max(3, Runtime.getRuntime().availableProcessors()));
    }
}
