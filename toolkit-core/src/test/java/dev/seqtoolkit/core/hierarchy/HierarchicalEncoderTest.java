package dev.seqtoolkit.core.hierarchy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.Embedding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HierarchicalEncoderTest {
    private static final int VOCAB = 11;
    private static final int EMB = 5;

    private static final List<int[]> DOC_A = List.of(new int[] {4, 5, 6}, new int[] {7, 8});
    private static final List<int[]> DOC_B = List.of(new int[] {9}, new int[] {4, 10, 5, 6, 7, 8, 9}, new int[] {10, 4});

    private static void seeded(ai.djl.nn.Block block, long seed) {
        Random random = new Random(seed);
        block.getParameters().forEach(p -> {
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (random.nextFloat() * 2 - 1) * 0.5f;
            }
            a.set(FloatBuffer.wrap(v));
        });
    }

    private static float[][] run(NDManager m, Embedding emb, HierarchicalEncoder enc, HierarchicalBatch batch,
            int part) {
        ParameterStore ps = new ParameterStore(m, false);
        NDArray words = emb.embed(ps, batch.sentenceIds(m), false);
        try (HierarchicalOutput out = enc.encode(ps, words, batch.sentenceLengths(m), batch.packedWordMask(m),
                batch.slotIndex(m), batch.sentenceMask(m), false)) {
            NDArray a = part == 0 ? out.document() : part == 1 ? out.wordWeights()
                    : part == 2 ? out.sentenceWeights() : out.sentenceStates();
            long rows = a.getShape().get(0);
            float[] flat = a.toFloatArray();
            int width = (int) (flat.length / rows);
            float[][] result = new float[(int) rows][width];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(flat, r * width, result[r], 0, width);
            }
            return result;
        }
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void shapesWeightsAndPaddingInvariance(CellType cell) {
        try (NDManager m = Engines.newManager()) {
            Embedding emb = Embedding.builder().setVocabularySize(VOCAB).setEmbeddingSize(EMB).build();
            emb.initialize(m, DataType.FLOAT32, new Shape(1, 1));
            HierarchicalEncoder enc = HierarchicalEncoder.builder().setCellType(cell).setWordHiddenSize(3)
                    .setSentenceHiddenSize(7).optWordAttentionSize(5).build();
            enc.initialize(m, DataType.FLOAT32, new Shape(2, 3, EMB));
            seeded(emb, 1);
            seeded(enc, 2);
            assertEquals(6, enc.wordDim());
            assertEquals(14, enc.outputDim());
            HierarchicalBatch both = HierarchicalBatch.of(List.of(DOC_A, DOC_B));
            float[][] docs = run(m, emb, enc, both, 0);
            assertEquals(2, docs.length);
            assertEquals(14, docs[0].length);
            float[][] alone = run(m, emb, enc, HierarchicalBatch.of(List.of(DOC_A)), 0);
            assertArrayEquals(alone[0], docs[0], 1e-5f, "document A padded next to the longer B");
            float[][] sentenceWeights = run(m, emb, enc, both, 2);
            assertEquals(3, sentenceWeights[0].length);
            assertEquals(0f, sentenceWeights[0][2], 0f, "padding slot of A");
            assertEquals(1f, sentenceWeights[0][0] + sentenceWeights[0][1], 1e-5f);
            assertEquals(1f, sentenceWeights[1][0] + sentenceWeights[1][1] + sentenceWeights[1][2], 1e-5f);
            float[][] wordWeights = run(m, emb, enc, both, 1);
            assertEquals(5, wordWeights.length, "one row per real sentence");
            int[] lengths = both.sentenceLengths();
            for (int s = 0; s < 5; s++) {
                float sum = 0;
                for (int i = 0; i < wordWeights[s].length; i++) {
                    if (i >= lengths[s]) {
                        assertEquals(0f, wordWeights[s][i], 0f, "padded word " + i + " of sentence " + s);
                    }
                    sum += wordWeights[s][i];
                }
                assertEquals(1f, sum, 1e-5f, "word weights of sentence " + s);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void sentenceStatesArePerSlotZeroAtPaddingAndPaddingInvariant(CellType cell) {
        try (NDManager m = Engines.newManager()) {
            Embedding emb = Embedding.builder().setVocabularySize(VOCAB).setEmbeddingSize(EMB).build();
            emb.initialize(m, DataType.FLOAT32, new Shape(1, 1));
            HierarchicalEncoder enc = HierarchicalEncoder.builder().setCellType(cell).setWordHiddenSize(3)
                    .setSentenceHiddenSize(2).build();
            enc.initialize(m, DataType.FLOAT32, new Shape(2, 3, EMB));
            seeded(emb, 4);
            seeded(enc, 5);
            float[][] both = run(m, emb, enc, HierarchicalBatch.of(List.of(DOC_A, DOC_B)), 3); // (2, 3 * 4)
            float[][] alone = run(m, emb, enc, HierarchicalBatch.of(List.of(DOC_A)), 3); // (1, 2 * 4)
            assertEquals(3 * 4, both[0].length, "maxSentences 3 x (2 directions x 2)");
            for (int i = 0; i < 8; i++) {
                assertEquals(alone[0][i], both[0][i], 1e-5f, "state " + i + " of document A");
                assertTrue(both[0][i] != 0f, "real slot state " + i);
            }
            for (int i = 8; i < 12; i++) {
                assertEquals(0f, both[0][i], 0f, "padding slot of A, element " + (i - 8));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void gradientsReachBothLevels(CellType cell) {
        try (NDManager m = Engines.newManager()) {
            HierarchicalEncoder enc = HierarchicalEncoder.builder().setCellType(cell).setWordHiddenSize(3)
                    .setSentenceHiddenSize(5).build();
            enc.initialize(m, DataType.FLOAT32, new Shape(1, 1, EMB));
            seeded(enc, 3);
            HierarchicalBatch batch = HierarchicalBatch.of(List.of(DOC_A, DOC_B));
            try (ai.djl.training.GradientCollector gc = Engines.engine().newGradientCollector()) {
                NDArray words = m.randomUniform(-1, 1, new Shape(batch.sentenceCount(), batch.maxWords(), EMB));
                HierarchicalOutput out = enc.encode(new ParameterStore(m, false), words, batch.sentenceLengths(m),
                        batch.packedWordMask(m), batch.slotIndex(m), batch.sentenceMask(m), true);
                gc.backward(out.document().square().sum());
            }
            for (var p : enc.getParameters()) {
                float norm = p.getValue().getArray().getGradient().abs().sum().getFloat();
                assertTrue(norm > 0, "gradient of " + p.getKey() + " is zero");
            }
        }
    }
}
