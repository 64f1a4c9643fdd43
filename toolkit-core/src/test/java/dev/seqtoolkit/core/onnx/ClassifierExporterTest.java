package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import dev.seqtoolkit.core.attention.Pooling;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;
import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.seqtoolkit.core.onnx.OnnxTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Classifier graphs in ONNX Runtime against a host reference built from {@link
 * dev.seqtoolkit.core.host.HostRecurrentStack} and the pooling written out in Java, at odd sizes.
 */
class ClassifierExporterTest {
    private static final int V = 11;
    private static final int E = 5;
    private static final int H = 3;
    private static final int A = 7;
    private static final int HS = 4;
    private static final int C = 3;
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    /** A random classifier with its weights kept for the reference. */
    private static final class Weights {
        final Cell cell;
        final float[] embedding;
        final List<FusedRecurrentWeights[]> word;
        final String wordPool;
        final float[][] wordAttention; // weight (D, A), bias (A), context (A)
        final List<FusedRecurrentWeights[]> sentence;
        final float[][] sentenceAttention;
        final float[] outWeight;
        final float[] outBias;

        Weights(Random r, Cell cell, String wordPool, boolean hierarchical) {
            this.cell = cell;
            this.wordPool = wordPool;
            embedding = random(r, V * E, 1.0);
            word = layers(new FusedRecurrentWeights[] {randomWeights(r, cell, E, H), randomWeights(r, cell, E, H)});
            wordAttention = new float[][] {random(r, 2 * H * A, 0.8), random(r, A, 0.5), random(r, A, 1.0)};
            int width = 2 * H;
            if (hierarchical) {
                sentence = layers(new FusedRecurrentWeights[] {randomWeights(r, cell, 2 * H, HS),
                    randomWeights(r, cell, 2 * H, HS)});
                sentenceAttention = new float[][] {random(r, 2 * HS * 5, 0.8), random(r, 5, 0.5), random(r, 5, 1.0)};
                width = 2 * HS;
            } else {
                sentence = null;
                sentenceAttention = null;
            }
            outWeight = random(r, C * width, 0.7);
            outBias = random(r, C, 0.3);
        }

        ClassifierExporter exporter() {
            ClassifierExporter.Builder b = ClassifierExporter.builder().setEmbedding(embedding, V, E)
                    .setWordLevel(RecurrentExporter.builder(cell).addLayer(word.get(0)[0], word.get(0)[1]).build(),
                            pool(wordPool, wordAttention))
                    .setOutputLayer(outWeight, outBias).putMetadata("test.note", "tiny");
            if (sentence != null) {
                b.optSentenceLevel(RecurrentExporter.builder(cell).addLayer(sentence.get(0)[0], sentence.get(0)[1])
                        .build(), pool("ATTENTION", sentenceAttention));
            }
            return b.build();
        }

        private static PoolingExporter pool(String kind, float[][] attention) {
            return kind.equals("ATTENTION") ? PoolingExporter.attention(attention[0], attention[1], attention[2])
                    : PoolingExporter.of(Pooling.valueOf(kind));
        }
    }

    /** Reference result of one row: pooled vector and (attention) weights over its real positions. */
    private record Pooled(float[] vector, float[] weights) {}

    /** Runs a bidirectional stack on one sequence {@code (len, in)} and pools it; host floats. */
    private static Pooled encodeAndPool(Cell cell, List<FusedRecurrentWeights[]> layers, float[] x, int len,
            String pool, float[][] attention) {
        int width = 2 * layers.get(0)[0].hiddenSize();
        float[] states = reference(cell, layers, x, 1, len, null, null, null).output(); // (len, width)
        float[] vector = new float[width];
        float[] weights = null;
        switch (pool) {
            case "ATTENTION": {
                int a = attention[1].length;
                float[] scores = new float[len];
                float max = Float.NEGATIVE_INFINITY;
                for (int t = 0; t < len; t++) {
                    for (int j = 0; j < a; j++) {
                        float z = attention[1][j];
                        for (int d = 0; d < width; d++) {
                            z += states[t * width + d] * attention[0][d * a + j];
                        }
                        scores[t] += attention[2][j] * (float) Math.tanh(z);
                    }
                    max = Math.max(max, scores[t]);
                }
                weights = new float[len];
                double sum = 0;
                for (int t = 0; t < len; t++) {
                    sum += Math.exp(scores[t] - max);
                }
                for (int t = 0; t < len; t++) {
                    weights[t] = (float) (Math.exp(scores[t] - max) / sum);
                    for (int d = 0; d < width; d++) {
                        vector[d] += weights[t] * states[t * width + d];
                    }
                }
                break;
            }
            case "MAX":
                for (int d = 0; d < width; d++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int t = 0; t < len; t++) {
                        m = Math.max(m, states[t * width + d]);
                    }
                    vector[d] = m;
                }
                break;
            case "MEAN":
                for (int t = 0; t < len; t++) {
                    for (int d = 0; d < width; d++) {
                        vector[d] += states[t * width + d] / len;
                    }
                }
                break;
            case "LAST":
                System.arraycopy(states, (len - 1) * width, vector, 0, width);
                break;
            default:
                throw new IllegalArgumentException(pool);
        }
        return new Pooled(vector, weights);
    }

    private static float[] embed(float[] table, int[] ids) {
        float[] x = new float[ids.length * E];
        for (int t = 0; t < ids.length; t++) {
            System.arraycopy(table, ids[t] * E, x, t * E, E);
        }
        return x;
    }

    private static float[] logits(Weights w, float[] pooled) {
        int width = pooled.length;
        float[] out = new float[C];
        for (int c = 0; c < C; c++) {
            out[c] = w.outBias[c];
            for (int d = 0; d < width; d++) {
                out[c] += w.outWeight[c * width + d] * pooled[d];
            }
        }
        return out;
    }

    private static float[] softmax(float[] z) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : z) {
            sum += Math.exp(v - max);
        }
        float[] p = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = (float) (Math.exp(z[i] - max) / sum);
        }
        return p;
    }

    private ClassifierSession.Scores runSaved(ClassifierExporter exporter, HierarchicalBatch batch, String name)
            throws Exception {
        Path file = dir.resolve(name);
        exporter.save(file);
        try (OnnxModel model = OnnxModel.load(file)) {
            return ClassifierSession.open(model).run(batch);
        }
    }

    @ParameterizedTest(name = "{0} pooling, {1}")
    @CsvSource({"ATTENTION,LSTM", "ATTENTION,GRU", "MAX,GRU", "MEAN,LSTM", "LAST,LSTM", "LAST,GRU"})
    void sentenceGraphMatchesTheHostReferenceAtEveryLength(String pool, Cell cell) throws Exception {
        Weights w = new Weights(new Random(pool.hashCode() + cell.ordinal()), cell, pool, false);
        List<int[]> texts = List.of(new int[] {4, 7, 1, 9, 10}, new int[] {5, 2}, new int[] {1}, new int[] {8, 8, 3});
        List<List<int[]>> docs = new ArrayList<>();
        texts.forEach(t -> docs.add(List.of(t)));
        ClassifierSession.Scores s = runSaved(w.exporter(), HierarchicalBatch.of(docs), "sentence.onnx");
        int maxWords = 5;
        for (int n = 0; n < texts.size(); n++) {
            int[] ids = texts.get(n);
            Pooled ref = encodeAndPool(cell, w.word, embed(w.embedding, ids), ids.length, pool, w.wordAttention);
            float[] z = logits(w, ref.vector());
            assertClose(z, slice(s.logits(), n * C, C), TOLERANCE, "logits of text " + n);
            assertClose(softmax(z), slice(s.probabilities(), n * C, C), TOLERANCE, "probabilities of text " + n);
            if (pool.equals("ATTENTION")) {
                float[] row = slice(s.wordWeights(), n * maxWords, maxWords);
                assertClose(ref.weights(), slice(row, 0, ids.length), TOLERANCE, "attention of text " + n);
                for (int t = ids.length; t < maxWords; t++) {
                    assertEquals(0f, row[t], "padded position " + t + " of text " + n + " has exactly zero weight");
                }
            } else {
                assertNull(s.wordWeights(), "no attention output for " + pool);
            }
        }
        assertNull(s.sentenceWeights());
    }

    @ParameterizedTest(name = "hierarchical {0}")
    @CsvSource({"LSTM", "GRU"})
    void hierarchicalGraphMatchesTheHostReferenceWithDifferentSentenceCounts(Cell cell) throws Exception {
        Weights w = new Weights(new Random(17 + cell.ordinal()), cell, "ATTENTION", true);
        List<List<int[]>> docs = List.of(
                List.of(new int[] {4, 7, 1}, new int[] {9}, new int[] {10, 2, 3, 5}),
                List.of(new int[] {6, 6}),
                List.of(new int[] {1, 2, 3, 4}, new int[] {8, 9}));
        ClassifierSession.Scores s = runSaved(w.exporter(), HierarchicalBatch.of(docs), "document.onnx");
        int maxSentences = 3;
        int maxWords = 4;
        int row = 0;
        for (int d = 0; d < docs.size(); d++) {
            List<int[]> doc = docs.get(d);
            float[] vectors = new float[doc.size() * 2 * H];
            for (int k = 0; k < doc.size(); k++, row++) {
                int[] ids = doc.get(k);
                Pooled words = encodeAndPool(cell, w.word, embed(w.embedding, ids), ids.length, "ATTENTION",
                        w.wordAttention);
                System.arraycopy(words.vector(), 0, vectors, k * 2 * H, 2 * H);
                float[] got = slice(s.wordWeights(), row * maxWords, maxWords);
                assertClose(words.weights(), slice(got, 0, ids.length), TOLERANCE, "word attention of doc " + d + " sentence " + k);
                for (int t = ids.length; t < maxWords; t++) {
                    assertEquals(0f, got[t], "padded word " + t + " of doc " + d + " sentence " + k);
                }
            }
            Pooled document = encodeAndPool(cell, w.sentence, vectors, doc.size(), "ATTENTION", w.sentenceAttention);
            float[] z = logits(w, document.vector());
            assertClose(z, slice(s.logits(), d * C, C), TOLERANCE, "logits of doc " + d);
            assertClose(softmax(z), slice(s.probabilities(), d * C, C), TOLERANCE, "probabilities of doc " + d);
            float[] sentences = slice(s.sentenceWeights(), d * maxSentences, maxSentences);
            assertClose(document.weights(), slice(sentences, 0, doc.size()), TOLERANCE, "sentence attention of doc " + d);
            for (int k = doc.size(); k < maxSentences; k++) {
                assertEquals(0f, sentences[k], "padding sentence " + k + " of doc " + d);
            }
        }
        assertEquals(6, row);
    }

    @Test
    void graphsCarryTheirConfigurationAndPassTheOnnxChecker() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String pool : List.of("ATTENTION", "MAX", "MEAN", "LAST")) {
            Path file = dir.resolve("sentence-" + pool + ".onnx");
            new Weights(new Random(3), Cell.LSTM, pool, false).exporter().save(file);
            files.add(file);
        }
        Path document = dir.resolve("document.onnx");
        new Weights(new Random(4), Cell.GRU, "ATTENTION", true).exporter().save(document);
        files.add(document);
        try (OnnxModel model = OnnxModel.load(document)) {
            ClassifierSession session = ClassifierSession.open(model);
            assertEquals(2, session.levels());
            assertEquals(V, session.vocabularySize());
            assertEquals(C, session.classes());
            assertEquals("ATTENTION", session.sentencePooling());
            assertEquals("tiny", model.metadata("test.note").orElseThrow());
            assertEquals(OnnxGraphBuilder.OPSET, model.opset());
        }
        assumeCheckerPasses(files);
    }

    @Test
    void sessionRefusesOtherGraphsAndBadIds() throws Exception {
        Path file = dir.resolve("sentence.onnx");
        new Weights(new Random(5), Cell.GRU, "MEAN", false).exporter().save(file);
        try (OnnxModel model = OnnxModel.load(file)) {
            ClassifierSession session = ClassifierSession.open(model);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> session.run(HierarchicalBatch.of(List.of(List.of(new int[] {3, V + 2})))));
            assertTrue(e.getMessage().contains("word id " + (V + 2)) && e.getMessage().contains("position 1"),
                    e.getMessage());
            IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                    () -> session.run(HierarchicalBatch.of(List.of(List.of(new int[] {3}, new int[] {4})))));
            assertTrue(two.getMessage().contains("one sentence per text"), two.getMessage());
        }
        // a graph of the wrong kind
        Path lm = dir.resolve("stack.onnx");
        RecurrentExporter.builder(Cell.GRU).addLayer(randomWeights(new Random(6), Cell.GRU, 3, 5)).build()
                .toGraph(false, false).save(lm);
        try (OnnxModel model = OnnxModel.load(lm)) {
            InvalidModelException e = assertThrows(InvalidModelException.class, () -> ClassifierSession.open(model));
            assertEquals(InvalidModelException.Reason.SIGNATURE_MISMATCH, e.reason());
            assertTrue(e.getMessage().contains(ClassifierExporter.CONFIG_KEY), e.getMessage());
        }
        // a newer graph format
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        OnnxMl.ModelProto.Builder b = proto.toBuilder();
        for (int i = 0; i < b.getMetadataPropsCount(); i++) {
            if (b.getMetadataProps(i).getKey().equals(ClassifierExporter.FORMAT_KEY)) {
                b.setMetadataProps(i, b.getMetadataProps(i).toBuilder().setValue("2"));
            }
        }
        Path newer = dir.resolve("newer.onnx");
        OnnxGraphBuilder.write(b.build(), newer);
        try (OnnxModel model = OnnxModel.load(newer)) {
            InvalidModelException e = assertThrows(InvalidModelException.class, () -> ClassifierSession.open(model));
            assertEquals(InvalidModelException.Reason.UNSUPPORTED_VERSION, e.reason());
            assertTrue(e.getMessage().contains("format 2") && e.getMessage().contains("reads format 1"), e.getMessage());
        }
    }

    @Test
    void sizesThatDoNotChainAreRefusedNamingBoth() {
        Random r = new Random(7);
        ClassifierExporter.Builder b = ClassifierExporter.builder().setEmbedding(random(r, V * E, 1), V, E)
                .setWordLevel(RecurrentExporter.builder(Cell.LSTM).addLayer(randomWeights(r, Cell.LSTM, E, H)).build(),
                        PoolingExporter.attention(random(r, 2 * H * A, 1), random(r, A, 1), random(r, A, 1)))
                .setOutputLayer(random(r, C * H, 1), random(r, C, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("attention reads " + 2 * H) && e.getMessage().contains("gives " + H),
                e.getMessage());
    }
}
