package dev.seqtoolkit.core.hierarchy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.seqtoolkit.core.text.Vocabulary;

import java.util.List;
import java.util.Objects;

/**
 * A batch of documents padded at both levels: {@code docs x maxSentences x maxWords}.
 *
 * <p>Two views of the same ids:
 * <ul>
 *   <li>padded ({@link #ids(NDManager)} {@code (docs, maxSentences, maxWords)} with {@link
 *       #wordMask(NDManager)} of the same shape and {@link #sentenceMask(NDManager)} {@code (docs,
 *       maxSentences)}), for inspection and for models that want the full cube;
 *   <li>packed, what the {@link HierarchicalEncoder} runs: only the real sentences, {@link
 *       #sentenceIds(NDManager)} {@code (sentences, maxWords)} with {@link #sentenceLengths(NDManager)},
 *       in document order, plus {@link #slotIndex(NDManager)} {@code (docs * maxSentences)} mapping each
 *       sentence slot to its packed row, padding slots to the extra row {@code sentences} (a zero
 *       vector), so that padding sentences are never run through the word encoder.
 * </ul>
 * Ids are INT32, masks FLOAT32 (1 real, 0 padding), indices INT64. Immutable; the NDArray methods
 * create new arrays in the given manager.
 */
public final class HierarchicalBatch {

    private final int docs;
    private final int maxSentences;
    private final int maxWords;
    private final int sentences;
    private final int[] packedIds; // (sentences, maxWords)
    private final int[] sentenceLengths; // (sentences)
    private final int[] sentenceCounts; // (docs)
    private final int[] exampleIndices;

    private HierarchicalBatch(List<List<int[]>> documents, int[] exampleIndices) {
        Objects.requireNonNull(documents, "documents");
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one document");
        }
        if (exampleIndices.length != documents.size()) {
            throw new IllegalArgumentException(
                    "got " + exampleIndices.length + " example indices for " + documents.size() + " documents");
        }
        docs = documents.size();
        this.exampleIndices = exampleIndices.clone();
        sentenceCounts = new int[docs];
        int total = 0;
        int longestDoc = 0;
        int longestSentence = 0;
        for (int d = 0; d < docs; d++) {
            List<int[]> doc = Objects.requireNonNull(documents.get(d), "document " + d);
            if (doc.isEmpty()) {
                throw new IllegalArgumentException("document " + d + " has no sentence; encode empty text with "
                        + "EncodedDocument, which gives it one <unk> sentence");
            }
            for (int s = 0; s < doc.size(); s++) {
                int[] row = doc.get(s);
                if (row.length == 0) {
                    throw new IllegalArgumentException("document " + d + " sentence " + s + " is empty");
                }
                for (int i = 0; i < row.length; i++) {
                    if (row[i] <= Vocabulary.PAD_ID) {
                        throw new IllegalArgumentException("document " + d + " sentence " + s + " holds id " + row[i]
                                + " at position " + i + "; ids must be positive (0 is padding)");
                    }
                }
                longestSentence = Math.max(longestSentence, row.length);
            }
            sentenceCounts[d] = doc.size();
            total += doc.size();
            longestDoc = Math.max(longestDoc, doc.size());
        }
        sentences = total;
        maxSentences = longestDoc;
        maxWords = longestSentence;
        packedIds = new int[sentences * maxWords];
        sentenceLengths = new int[sentences];
        int k = 0;
        for (List<int[]> doc : documents) {
            for (int[] row : doc) {
                System.arraycopy(row, 0, packedIds, k * maxWords, row.length);
                sentenceLengths[k++] = row.length;
            }
        }
    }

    /**
     * A batch of documents.
     *
     * @param documents each a non-empty list of non-empty sentences of positive ids
     * @param exampleIndices each document's position in the caller's example list
     */
    public static HierarchicalBatch of(List<List<int[]>> documents, int[] exampleIndices) {
        return new HierarchicalBatch(documents, exampleIndices);
    }

    /** A batch whose documents are examples 0..n-1. */
    public static HierarchicalBatch of(List<List<int[]>> documents) {
        int[] idx = new int[documents.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return of(documents, idx);
    }

    public int size() {
        return docs;
    }

    public int maxSentences() {
        return maxSentences;
    }

    public int maxWords() {
        return maxWords;
    }

    /** The number of real sentences in the batch. */
    public int sentenceCount() {
        return sentences;
    }

    /** Real words in the batch. */
    public int tokenCount() {
        int n = 0;
        for (int l : sentenceLengths) {
            n += l;
        }
        return n;
    }

    /** Each document's number of sentences. */
    public int[] sentenceCounts() {
        return sentenceCounts.clone();
    }

    /** Each packed sentence's number of words, in document order. */
    public int[] sentenceLengths() {
        return sentenceLengths.clone();
    }

    /** Each document's index in the example list the batch was built from. */
    public int[] exampleIndices() {
        return exampleIndices.clone();
    }

    /** Packed real sentences, INT32 {@code (sentences, maxWords)}. */
    public NDArray sentenceIds(NDManager manager) {
        return manager.create(packedIds, new Shape(sentences, maxWords));
    }

    /** Words per packed sentence, INT32 {@code (sentences)}, all at least 1. */
    public NDArray sentenceLengths(NDManager manager) {
        return manager.create(sentenceLengths.clone(), new Shape(sentences));
    }

    /** Word mask of the packed sentences, FLOAT32 {@code (sentences, maxWords)}. */
    public NDArray packedWordMask(NDManager manager) {
        float[] m = new float[sentences * maxWords];
        for (int s = 0; s < sentences; s++) {
            for (int i = 0; i < sentenceLengths[s]; i++) {
                m[s * maxWords + i] = 1f;
            }
        }
        return manager.create(m, new Shape(sentences, maxWords));
    }

    /**
     * For each sentence slot {@code d * maxSentences + j}: the packed row of sentence {@code j} of
     * document {@code d}, or {@code sentences} (one past the last row) for a padding slot. INT64
     * {@code (docs * maxSentences)}.
     */
    public NDArray slotIndex(NDManager manager) {
        long[] index = new long[docs * maxSentences];
        int row = 0;
        for (int d = 0; d < docs; d++) {
            for (int j = 0; j < maxSentences; j++) {
                index[d * maxSentences + j] = j < sentenceCounts[d] ? row++ : sentences;
            }
        }
        return manager.create(index, new Shape((long) docs * maxSentences));
    }

    /** Sentence mask, FLOAT32 {@code (docs, maxSentences)}. */
    public NDArray sentenceMask(NDManager manager) {
        float[] m = new float[docs * maxSentences];
        for (int d = 0; d < docs; d++) {
            for (int j = 0; j < sentenceCounts[d]; j++) {
                m[d * maxSentences + j] = 1f;
            }
        }
        return manager.create(m, new Shape(docs, maxSentences));
    }

    /** Sentences per document, INT32 {@code (docs)}. */
    public NDArray sentenceCounts(NDManager manager) {
        return manager.create(sentenceCounts.clone(), new Shape(docs));
    }

    /** All ids padded at both levels, INT32 {@code (docs, maxSentences, maxWords)}. */
    public NDArray ids(NDManager manager) {
        return manager.create(cube(false), new Shape(docs, maxSentences, maxWords));
    }

    /** The word mask of the padded cube, FLOAT32 {@code (docs, maxSentences, maxWords)}. */
    public NDArray wordMask(NDManager manager) {
        int[] c = cube(true);
        float[] m = new float[c.length];
        for (int i = 0; i < c.length; i++) {
            m[i] = c[i];
        }
        return manager.create(m, new Shape(docs, maxSentences, maxWords));
    }

    /** The padded cube as a host array {@code [docs][maxSentences][maxWords]}. */
    public int[][][] idsCube() {
        int[] c = cube(false);
        int[][][] out = new int[docs][maxSentences][maxWords];
        for (int d = 0; d < docs; d++) {
            for (int j = 0; j < maxSentences; j++) {
                System.arraycopy(c, (d * maxSentences + j) * maxWords, out[d][j], 0, maxWords);
            }
        }
        return out;
    }

    private int[] cube(boolean maskOnly) {
        int[] out = new int[docs * maxSentences * maxWords];
        int row = 0;
        for (int d = 0; d < docs; d++) {
            for (int j = 0; j < sentenceCounts[d]; j++, row++) {
                int base = (d * maxSentences + j) * maxWords;
                for (int i = 0; i < sentenceLengths[row]; i++) {
                    out[base + i] = maskOnly ? 1 : packedIds[row * maxWords + i];
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "HierarchicalBatch(docs=" + docs + ", maxSentences=" + maxSentences + ", maxWords=" + maxWords
                + ", sentences=" + sentences + ")";
    }
}
