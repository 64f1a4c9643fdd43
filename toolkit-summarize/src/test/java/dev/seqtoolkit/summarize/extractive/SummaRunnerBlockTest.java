package dev.seqtoolkit.summarize.extractive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;
import dev.seqtoolkit.core.nn.CellType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SummaRuNNer head against a host computation, the causality of its novelty term, and the masked loss. */
class SummaRunnerBlockTest {
    private static final int DIM = 4; // sentence hidden 2, two directions
    private static final int POSITIONS = 4;
    private static final int SEGMENTS = 3;
    private static final int POSITION_SIZE = 2;

    private static SummaRunnerBlock block(NDManager m, CellType cell) {
        SummaRunnerBlock b = SummaRunnerBlock.builder().setVocabularySize(9).setEmbeddingSize(3).setCellType(cell)
                .setWordHiddenSize(3).setSentenceHiddenSize(DIM / 2).setPositions(POSITIONS).optSegments(SEGMENTS)
                .optPositionSize(POSITION_SIZE).build();
        b.initialize(m, DataType.FLOAT32, b.initializationShapes());
        Random random = new Random(11);
        for (var p : b.getParameters()) {
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (random.nextFloat() * 2 - 1) * 0.8f;
            }
            a.set(FloatBuffer.wrap(v));
        }
        return b;
    }

    private static Map<String, double[]> head(SummaRunnerBlock b) {
        Map<String, double[]> w = new HashMap<>();
        for (var p : b.getDirectParameters()) {
            float[] f = p.getValue().getArray().toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            w.put(p.getKey(), d);
        }
        return w;
    }

    /** The formula of SummaRunnerBlock's Javadoc, in doubles, one document at a time. */
    private static double[] hostLogits(Map<String, double[]> w, double[][] h, int n) {
        double[] mean = new double[DIM];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < DIM; k++) {
                mean[k] += h[j][k] / n;
            }
        }
        double[] d = new double[DIM];
        for (int o = 0; o < DIM; o++) {
            double z = w.get("docBias")[o];
            for (int i = 0; i < DIM; i++) {
                z += mean[i] * w.get("docWeight")[i * DIM + o];
            }
            d[o] = Math.tanh(z);
        }
        double[] s = new double[DIM];
        double[] logits = new double[n];
        for (int j = 0; j < n; j++) {
            double content = 0;
            double salience = 0;
            double novelty = 0;
            for (int k = 0; k < DIM; k++) {
                content += h[j][k] * w.get("content")[k];
                for (int l = 0; l < DIM; l++) {
                    salience += h[j][k] * w.get("salience")[k * DIM + l] * d[l];
                    novelty += h[j][k] * w.get("novelty")[k * DIM + l] * Math.tanh(s[l]);
                }
            }
            int abs = Math.min(j, POSITIONS - 1);
            int rel = j * SEGMENTS / n;
            double position = 0;
            for (int q = 0; q < POSITION_SIZE; q++) {
                position += w.get("absolutePositions")[abs * POSITION_SIZE + q] * w.get("absoluteWeight")[q];
                position += w.get("relativePositions")[rel * POSITION_SIZE + q] * w.get("relativeWeight")[q];
            }
            logits[j] = content + salience - novelty + position + w.get("bias")[0];
            double p = 1 / (1 + Math.exp(-logits[j]));
            for (int k = 0; k < DIM; k++) {
                s[k] += p * h[j][k];
            }
        }
        return logits;
    }

    private static float[] logits(NDManager m, SummaRunnerBlock b, double[][][] states, int[] counts) {
        int docs = states.length;
        int slots = states[0].length;
        float[] flat = new float[docs * slots * DIM];
        for (int d = 0; d < docs; d++) {
            for (int j = 0; j < counts[d]; j++) {
                for (int k = 0; k < DIM; k++) {
                    flat[(d * slots + j) * DIM + k] = (float) states[d][j][k];
                }
            }
        }
        try (NDManager sub = m.newSubManager()) {
            NDArray h = sub.create(flat, new Shape(docs, slots, DIM));
            return b.scoreSentences(new ParameterStore(sub, false), h, counts, false).toFloatArray();
        }
    }

    private static double[][][] randomStates(long seed, int docs, int slots, int[] counts) {
        Random r = new Random(seed);
        double[][][] h = new double[docs][slots][DIM];
        for (int d = 0; d < docs; d++) {
            for (int j = 0; j < counts[d]; j++) {
                for (int k = 0; k < DIM; k++) {
                    h[d][j][k] = r.nextDouble() * 2 - 1;
                }
            }
        }
        return h;
    }

    @Test
    void headEqualsTheHostComputationIncludingPositionsPastTheTable() {
        try (NDManager m = Engines.newManager()) {
            SummaRunnerBlock b = block(m, CellType.GRU);
            int[] counts = {5, 2, 3}; // 5 sentences > 4 absolute positions: the last row is shared
            double[][][] h = randomStates(3, 3, 5, counts);
            float[] got = logits(m, b, h, counts);
            Map<String, double[]> w = head(b);
            for (int d = 0; d < counts.length; d++) {
                double[] want = hostLogits(w, h[d], counts[d]);
                for (int j = 0; j < counts[d]; j++) {
                    assertEquals(want[j], got[d * 5 + j], 1e-5, "document " + d + " sentence " + j);
                }
            }
        }
    }

    @Test
    void noveltyReadsOnlyEarlierSentences() {
        try (NDManager m = Engines.newManager()) {
            SummaRunnerBlock b = block(m, CellType.GRU);
            // d = tanh(b_d) once W_d is zero, so a sentence reaches other logits only through s_j
            b.getDirectParameters().get("docWeight").getArray().muli(0);
            int[] counts = {4};
            double[][][] h = randomStates(5, 1, 4, counts);
            float[] base = logits(m, b, h, counts);
            double[][][] later = randomStates(5, 1, 4, counts);
            later[0][2][1] += 0.9;
            float[] changedLater = logits(m, b, later, counts);
            assertEquals(base[0], changedLater[0], 1e-6f);
            assertEquals(base[1], changedLater[1], 1e-6f);
            assertNotEquals(base[2], changedLater[2], 1e-4f, "its own logit changes");
            assertNotEquals(base[3], changedLater[3], 1e-4f, "the next sentence's novelty sees it");
            double[][][] first = randomStates(5, 1, 4, counts);
            first[0][0][0] -= 0.7;
            float[] changedFirst = logits(m, b, first, counts);
            for (int j = 0; j < 4; j++) {
                assertNotEquals(base[j], changedFirst[j], 1e-4f, "sentence " + j + " after changing sentence 0");
            }
            b.getDirectParameters().get("novelty").getArray().muli(0);
            float[] plain = logits(m, b, h, counts);
            float[] plainFirst = logits(m, b, first, counts);
            for (int j = 1; j < 4; j++) {
                assertEquals(plain[j], plainFirst[j], 1e-6f, "without W_r sentence " + j + " ignores sentence 0");
            }
        }
    }

    @Test
    void lossIsMaskedBinaryCrossEntropy() {
        try (NDManager m = Engines.newManager()) {
            NDArray logits = m.create(new float[] {0f, 2f, 30f, -1f, 5f, -7f}, new Shape(2, 3));
            NDArray labels = m.create(new float[] {1f, 0f, 1f, 0f, 1f, 1f}, new Shape(2, 3));
            NDArray mask = m.create(new float[] {1f, 1f, 0f, 1f, 1f, 1f}, new Shape(2, 3));
            double want = Math.log(2) + (2 + Math.log1p(Math.exp(-2))) + Math.log1p(Math.exp(-1))
                    + Math.log1p(Math.exp(-5)) + (7 + Math.log1p(Math.exp(-7)));
            assertEquals(want, SummaRunnerBlock.loss(logits, labels, mask).getFloat(), 1e-5);
            NDArray otherPadding = m.create(new float[] {1f, 0f, 0f, 0f, 1f, 1f}, new Shape(2, 3));
            assertEquals(want, SummaRunnerBlock.loss(logits, otherPadding, mask).getFloat(), 1e-5,
                    "the label at a padding slot does not matter");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SummaRunnerBlock.loss(logits, labels.reshape(3, 2), mask));
            assertTrue(e.getMessage().contains("(2, 3), (3, 2), (2, 3)"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void paddingSentencesGetNoLossAndNoGradient(CellType cell) {
        List<int[]> a = List.of(new int[] {4, 5, 6}, new int[] {7, 8});
        List<int[]> bDoc = List.of(new int[] {2}, new int[] {4, 6, 5, 7, 8, 3}, new int[] {8, 4}, new int[] {5});
        float[] labelsA = {1, 0};
        float[] labelsB = {0, 1, 0, 1};
        try (NDManager m = Engines.newManager()) {
            SummaRunnerBlock block = block(m, cell);
            ExtractionTask task = new ExtractionTask(block);
            ExtractiveBatch alone = ExtractiveBatch.of(HierarchicalBatch.of(List.of(a)), List.of(labelsA));
            ExtractiveBatch aloneB = ExtractiveBatch.of(HierarchicalBatch.of(List.of(bDoc)), List.of(labelsB));
            ExtractiveBatch both = ExtractiveBatch.of(HierarchicalBatch.of(List.of(a, bDoc)), List.of(labelsA, labelsB));
            float lossA = task.loss(m, new ParameterStore(m, false), alone, false).loss().getFloat();
            float lossB = task.loss(m, new ParameterStore(m, false), aloneB, false).loss().getFloat();
            var result = task.loss(m, new ParameterStore(m, false), both, false);
            assertEquals(lossA + lossB, result.loss().getFloat(), 1e-4f, "A padded to 4 slots next to B");
            assertEquals(6, result.units(), "units are real sentences");

            float[] poisoned = both.labels().clone();
            poisoned[2] = 1f; // A's padding slots
            poisoned[3] = 1f;
            ExtractiveBatch withPaddingLabels = new ExtractiveBatch(both.batch(), poisoned);
            assertEquals(result.loss().getFloat(),
                    task.loss(m, new ParameterStore(m, false), withPaddingLabels, false).loss().getFloat(), 0f);

            // the gradient of the loss with respect to the logits is zero at padding slots
            try (NDManager step = m.newSubManager()) {
                NDArray leaf = block.logits(new ParameterStore(step, false), step, both.batch(), false).duplicate();
                leaf.setRequiresGradient(true);
                try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                    gc.backward(SummaRunnerBlock.loss(leaf, both.labels(step), both.mask(step)));
                }
                float[] g = leaf.getGradient().toFloatArray();
                assertEquals(0f, g[2], 0f);
                assertEquals(0f, g[3], 0f);
                for (int i : new int[] {0, 1, 4, 5, 6, 7}) {
                    assertTrue(g[i] != 0f, "real slot " + i + " has a gradient");
                }
            }
        }
    }

    @Test
    void everyParameterOfTheHeadAndTheEncoderLearns() {
        try (NDManager m = Engines.newManager()) {
            SummaRunnerBlock block = block(m, CellType.LSTM);
            ExtractiveBatch batch = ExtractiveBatch.of(
                    HierarchicalBatch.of(List.of(List.of(new int[] {4, 5}, new int[] {6}, new int[] {7, 8, 2}))),
                    List.of(new float[] {0, 1, 0}));
            try (NDManager step = m.newSubManager(); GradientCollector gc = Engines.engine().newGradientCollector()) {
                gc.backward(new ExtractionTask(block).loss(step, new ParameterStore(step, false), batch, true).loss());
            }
            for (var p : block.getParameters()) {
                if (p.getKey().contains("sentence_attention")) {
                    continue; // the encoder's document vector is not used by SummaRuNNer
                }
                float norm = p.getValue().getArray().getGradient().abs().sum().getFloat();
                assertTrue(norm > 0, "gradient of " + p.getKey() + " is zero");
            }
        }
    }

    @Test
    void builderAndShapeChecksNameTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SummaRunnerBlock.builder()
                .setVocabularySize(5).setEmbeddingSize(2).setCellType(CellType.GRU).setWordHiddenSize(2)
                .setSentenceHiddenSize(2).build());
        assertTrue(e.getMessage().contains("positions"), e.getMessage());
        try (NDManager m = Engines.newManager()) {
            SummaRunnerBlock b = block(m, CellType.GRU);
            NDArray h = m.zeros(new Shape(2, 3, DIM));
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> b.scoreSentences(new ParameterStore(m, false), h, new int[] {3}, false));
            assertTrue(shape.getMessage().contains("(2, 3, 4)"), shape.getMessage());
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                    () -> b.scoreSentences(new ParameterStore(m, false), h, new int[] {3, 4}, false));
            assertTrue(count.getMessage().contains("document 1 has 4 sentences; expected 1..3"), count.getMessage());
        }
    }
}
