package dev.seqtoolkit.sentiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.onnx.OnnxChecker;
import dev.seqtoolkit.core.text.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Classifiers with random parameters (biases included), exported and run in ONNX Runtime, give
 * DJL's probabilities and attention weights within 1e-5: the sentence model with every pooling and
 * the hierarchical model, on batches of different lengths and sentence counts.
 */
class OnnxParityTest {
    static final double TOLERANCE = 1e-5;
    static final List<String> WORDS = List.of("the", "movie", "was", "good", "bad", "plot", "a", "fun", "dull", "it",
            "and", "story", ".", "!");

    @TempDir
    Path dir;

    /** A classifier whose every parameter is Gaussian with deviation 0.5 (seeded). */
    static TextClassifier randomClassifier(SentimentConfig config, long seed) {
        List<String> tokens = new ArrayList<>(Vocabulary.RESERVED);
        tokens.addAll(WORDS);
        Vocabulary vocabulary = Vocabulary.of(tokens);
        NDManager manager = Engines.newManager();
        ClassifierNetwork network = config.architecture() == SentimentConfig.Architecture.HIERARCHICAL
                ? DocumentClassifierBlock.of(config, vocabulary.size())
                : SentenceClassifierBlock.of(config, vocabulary.size());
        network.initialize(manager, DataType.FLOAT32, network.initializationShapes());
        Random random = new Random(seed);
        for (Pair<String, Parameter> p : network.getParameters()) {
            NDArray a = p.getValue().getArray();
            float[] values = new float[Math.toIntExact(a.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 0.5);
            }
            a.set(FloatBuffer.wrap(values));
        }
        TextClassifier.Parts parts = new TextClassifier.Parts(config, vocabulary, new TextPipeline(config), network,
                new DjlScorer(network, manager), null, null);
        return config.architecture() == SentimentConfig.Architecture.HIERARCHICAL
                ? new DocumentSentimentClassifier(parts) : new SentimentClassifier(parts);
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE, what + " at flat index " + i);
        }
    }

    /** Scores and predictions of both backends agree; padded word positions weigh exactly 0 in both. */
    static void assertParity(TextClassifier djl, TextClassifier onnx, List<String> texts) {
        assertEquals(TextClassifier.Backend.DJL, djl.backend());
        assertEquals(TextClassifier.Backend.ONNX_RUNTIME, onnx.backend());
        Scorer.Scores a = djl.scores(texts);
        Scorer.Scores b = onnx.scores(texts);
        assertClose(a.logits(), b.logits(), "logits");
        assertClose(a.probabilities(), b.probabilities(), "probabilities");
        if (a.wordWeights() == null) {
            assertNull(b.wordWeights(), "ONNX gives word attention where DJL has none");
        } else {
            assertClose(a.wordWeights(), b.wordWeights(), "word attention");
            for (int i = 0; i < a.wordWeights().length; i++) {
                if (a.wordWeights()[i] == 0f) {
                    assertEquals(0f, b.wordWeights()[i], "word weight " + i + " is exactly 0 in DJL");
                }
            }
        }
        if (a.sentenceWeights() == null) {
            assertNull(b.sentenceWeights());
        } else {
            assertClose(a.sentenceWeights(), b.sentenceWeights(), "sentence attention");
        }
        List<Prediction> x = djl.predict(texts);
        List<Prediction> y = onnx.predict(texts);
        for (int i = 0; i < texts.size(); i++) {
            Prediction p = x.get(i);
            Prediction q = y.get(i);
            assertEquals(p.label(), q.label(), "label of text " + i);
            assertArrayEquals(p.probabilities(), q.probabilities(), TOLERANCE, "probabilities of text " + i);
            assertEquals(p.sentences().size(), q.sentences().size(), "sentences of text " + i);
            for (int s = 0; s < p.sentences().size(); s++) {
                assertEquals(p.sentences().get(s).tokens(), q.sentences().get(s).tokens());
                assertArrayEquals(p.sentences().get(s).wordWeights(), q.sentences().get(s).wordWeights(), TOLERANCE,
                        "word weights of text " + i + " sentence " + s);
                assertEquals(p.sentences().get(s).weight(), q.sentences().get(s).weight(), TOLERANCE,
                        "weight of text " + i + " sentence " + s);
            }
        }
    }

    @ParameterizedTest(name = "{0} pooling, {1}")
    @CsvSource({"ATTENTION,LSTM", "ATTENTION,GRU", "MAX,GRU", "MEAN,LSTM", "LAST,LSTM"})
    void sentenceClassifierGivesDjlsProbabilitiesAndAttention(SentimentConfig.PoolingKind pooling, CellType cell)
            throws IOException {
        SentimentConfig config = SentimentClassifier.builder().setLabels(List.of("neg", "pos", "neu"))
                .optEmbeddingSize(7).optHiddenSize(5).optAttentionSize(3).optCell(cell).optPooling(pooling)
                .optMaxWords(9).build();
        List<String> texts = List.of("the movie was good", "dull", "", "a fun story and the plot was good !",
                "zebra movie", "it was bad . bad bad the plot was dull and the story too long to keep");
        Path export = dir.resolve("sentence");
        try (TextClassifier djl = randomClassifier(config, 11 + pooling.ordinal())) {
            djl.export(export);
            try (TextClassifier onnx = TextClassifier.load(export)) {
                assertTrue(onnx instanceof SentimentClassifier);
                assertParity(djl, onnx, texts);
                if (pooling == SentimentConfig.PoolingKind.ATTENTION) {
                    assertEquals(9, onnx.predict(texts.get(5)).sentences().get(0).wordWeights().length,
                            "the limit of 9 words applies to the export too");
                }
            }
        }
    }

    @ParameterizedTest(name = "hierarchical {0}")
    @CsvSource({"LSTM", "GRU"})
    void hierarchicalClassifierGivesDjlsProbabilitiesAndBothAttentions(CellType cell) throws Exception {
        SentimentConfig config = DocumentSentimentClassifier.builder().setLabels(List.of("neg", "pos"))
                .optEmbeddingSize(6).optHiddenSize(5).optAttentionSize(7).optSentenceHiddenSize(3)
                .optSentenceAttentionSize(4).optCell(cell).optMaxSentences(4).optMaxWordsPerSentence(6).build();
        List<String> texts = List.of("The plot was dull. It was a film.", "Good!",
                "A fun story. The movie was good and the plot was fun. Bad! It was dull.", "",
                "The story was good and the plot was good and it was fun . The end . One . Two . Three .");
        Path export = dir.resolve("document");
        try (TextClassifier djl = randomClassifier(config, 23 + cell.ordinal())) {
            djl.export(export);
            try (TextClassifier onnx = TextClassifier.load(export)) {
                assertTrue(onnx instanceof DocumentSentimentClassifier);
                assertParity(djl, onnx, texts);
                List<Prediction> p = onnx.predict(texts);
                assertEquals(List.of(2, 1, 4, 0, 4),
                        p.stream().map(x -> x.sentences().size()).toList(), "sentences per document");
            }
        }
        OnnxChecker.assumeCheckerPasses(List.of(export.resolve(ClassifierOnnx.MODEL_FILE)));
    }

    @Test
    void everySentenceExportPassesTheOnnxChecker() throws Exception {
        List<Path> files = new ArrayList<>();
        for (SentimentConfig.PoolingKind pooling : SentimentConfig.PoolingKind.values()) {
            SentimentConfig config = SentimentClassifier.builder().setLabels(List.of("0", "1")).optEmbeddingSize(5)
                    .optHiddenSize(3).optPooling(pooling).build();
            Path export = dir.resolve("checked-" + pooling);
            try (TextClassifier c = randomClassifier(config, 5)) {
                c.export(export);
            }
            files.add(export.resolve(ClassifierOnnx.MODEL_FILE));
        }
        OnnxChecker.assumeCheckerPasses(files);
    }
}
