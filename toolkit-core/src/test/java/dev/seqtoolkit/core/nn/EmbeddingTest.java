package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.seqtoolkit.core.nn.NnTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class EmbeddingTest {
    static final List<String> VOCAB = List.of("<pad>", "the", "cat", "sat", "zebra");

    @TempDir
    Path dir;

    @Test
    void lookupGivesRowsInIdShape() {
        try (NDManager m = Engines.newManager()) {
            Embedding emb = Embedding.builder().setVocabularySize(5).setEmbeddingSize(3).build();
            emb.initialize(m, DataType.FLOAT32, new Shape(2, 3));
            emb.weight().set(java.nio.FloatBuffer.wrap(new float[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4}));
            NDArray ids = m.create(new int[] {1, 4, 0, 2, 2, 3}, new Shape(2, 3));
            NDArray out = emb.embed(store(m), ids, false);
            assertEquals(new Shape(2, 3, 3), out.getShape());
            assertArrayEquals(new float[] {1, 1, 1, 4, 4, 4, 0, 0, 0, 2, 2, 2, 2, 2, 2, 3, 3, 3}, out.toFloatArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> emb.embed(store(m), m.create(new int[] {1, 5}, new Shape(1, 2)), false));
            assertTrue(e.getMessage().contains("[1, 5]") && e.getMessage().contains("[0, 5)"), e.getMessage());
        }
    }

    @Test
    void gloveKnownWordsCopiedUnknownSeededRandom() throws IOException {
        Path file = dir.resolve("glove.txt");
        Files.writeString(file, "the 0.1 0.2 0.3\nzebra -1 -2 -3\nunused 9 9 9\n");
        try (NDManager m = Engines.newManager()) {
            Embedding emb = Embedding.builder().setVocabularySize(VOCAB.size()).setEmbeddingSize(3).build();
            emb.initialize(m, DataType.FLOAT32, new Shape(1, 1));
            PretrainedReport report = emb.loadPretrained(file, VectorFormat.GLOVE, VOCAB, 7, 0.1f);
            assertEquals(2, report.found());
            assertEquals(3, report.missing());
            assertEquals(3, report.vectorsInFile());
            assertEquals(List.of("<pad>", "cat", "sat"), report.missingExamples());
            float[] w = emb.weight().toFloatArray();
            assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, java.util.Arrays.copyOfRange(w, 3, 6));
            assertArrayEquals(new float[] {-1, -2, -3}, java.util.Arrays.copyOfRange(w, 12, 15));
            for (int i : new int[] {0, 1, 2, 6, 7, 8, 9, 10, 11}) {
                assertTrue(Math.abs(w[i]) <= 0.1f && w[i] != 0f, "random init in [-0.1, 0.1): " + w[i]);
            }
            // same seed, same matrix
            PretrainedVectors.Result again = PretrainedVectors.read(file, VectorFormat.GLOVE, 3, VOCAB, 7, 0.1f);
            assertArrayEquals(w, again.matrix());
        }
    }

    @Test
    void word2vecTextWithHeader() throws IOException {
        Path file = dir.resolve("w2v.txt");
        Files.writeString(file, "2 3\ncat 1 2 3\nsat 4 5 6\n");
        PretrainedVectors.Result r = PretrainedVectors.read(file, VectorFormat.WORD2VEC_TEXT, 3, VOCAB, 1, 0.1f);
        assertEquals(2, r.report().found());
        assertEquals(new PretrainedReport(2, 3, 2, List.of("<pad>", "the", "zebra")), r.report());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, java.util.Arrays.copyOfRange(r.matrix(), 6, 12));
    }

    @Test
    void badLinesNameFileAndLine() throws IOException {
        Path wrongDim = dir.resolve("wrong-dim.txt");
        Files.writeString(wrongDim, "the 1 2 3\ncat 1 2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedVectors.read(wrongDim, VectorFormat.GLOVE, 3, VOCAB, 1, 0.1f));
        assertTrue(e.getMessage().startsWith(wrongDim + ":2:"), e.getMessage());

        Path nonNumeric = dir.resolve("non-numeric.txt");
        Files.writeString(nonNumeric, "2 3\nthe 1 2 3\ncat 1 x 3\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedVectors.read(nonNumeric, VectorFormat.WORD2VEC_TEXT, 3, VOCAB, 1, 0.1f));
        assertTrue(e.getMessage().startsWith(nonNumeric + ":3:") && e.getMessage().contains("'x'"), e.getMessage());

        Path badHeader = dir.resolve("bad-header.txt");
        Files.writeString(badHeader, "2 4\nthe 1 2 3 4\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedVectors.read(badHeader, VectorFormat.WORD2VEC_TEXT, 3, VOCAB, 1, 0.1f));
        assertTrue(e.getMessage().startsWith(badHeader + ":1:"), e.getMessage());

        Path shortCount = dir.resolve("count.txt");
        Files.writeString(shortCount, "3 3\nthe 1 2 3\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> PretrainedVectors.read(shortCount, VectorFormat.WORD2VEC_TEXT, 3, VOCAB, 1, 0.1f));
        assertTrue(e.getMessage().contains("declares 3 vectors, file has 1"), e.getMessage());
    }
}
