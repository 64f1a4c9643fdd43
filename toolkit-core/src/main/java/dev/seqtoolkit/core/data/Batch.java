package dev.seqtoolkit.core.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.seqtoolkit.core.text.Vocabulary;

import java.util.List;
import java.util.Objects;

/**
 * A padded batch of token-id sequences, optionally with a target side for sequence-to-sequence
 * training.
 *
 * <p>Source rows are padded with {@link Vocabulary#PAD_ID} (0) to the longest source in the batch,
 * {@code srcLen}. For a target sequence {@code y}, the decoder input is {@code <bos> y} and the
 * decoder output {@code y <eos>}, both of length {@code |y| + 1} and padded to {@code tgtLen}, the
 * longest such length in the batch.
 *
 * <p>Token ids become {@link ai.djl.ndarray.types.DataType#INT32} arrays: embedding lookups and
 * sparse losses accept 32-bit indices on both engines, vocabularies never approach 2^31 entries,
 * and int32 halves the memory and transfer of int64. Call {@code toType(DataType.INT64, false)} on
 * the result where an operator insists on int64. Masks are FLOAT32 with 1 for real tokens and 0
 * for padding, ready to multiply losses or attention scores.
 *
 * <p>Immutable; the arrays returned by accessors are copies. The {@code NDArray} methods create
 * new arrays in the given manager, which owns (and closes) them.
 */
public final class Batch {

    private final int size;
    private final int srcLen;
    private final int[] ids;
    private final int[] lengths;
    private final int[] exampleIndices;
    private final int tgtLen;
    private final int[] targetInput;
    private final int[] targetOutput;
    private final int[] targetLengths;

    private Batch(List<int[]> sources, List<int[]> targets, int[] exampleIndices) {
        Objects.requireNonNull(sources, "sources");
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one example");
        }
        size = sources.size();
        if (exampleIndices.length != size) {
            throw new IllegalArgumentException("got " + exampleIndices.length + " example indices for "
                    + size + " examples");
        }
        this.exampleIndices = exampleIndices.clone();
        lengths = new int[size];
        int longest = 0;
        for (int r = 0; r < size; r++) {
            int[] row = Objects.requireNonNull(sources.get(r), "source " + r);
            check(row, "source", r);
            lengths[r] = row.length;
            longest = Math.max(longest, row.length);
        }
        srcLen = longest;
        ids = new int[size * srcLen];
        for (int r = 0; r < size; r++) {
            System.arraycopy(sources.get(r), 0, ids, r * srcLen, lengths[r]);
        }
        if (targets == null) {
            tgtLen = 0;
            targetInput = null;
            targetOutput = null;
            targetLengths = null;
            return;
        }
        if (targets.size() != size) {
            throw new IllegalArgumentException("got " + targets.size() + " targets for " + size + " sources");
        }
        targetLengths = new int[size];
        int longestTarget = 0;
        for (int r = 0; r < size; r++) {
            int[] row = Objects.requireNonNull(targets.get(r), "target " + r);
            check(row, "target", r);
            targetLengths[r] = row.length + 1;
            longestTarget = Math.max(longestTarget, row.length + 1);
        }
        tgtLen = longestTarget;
        targetInput = new int[size * tgtLen];
        targetOutput = new int[size * tgtLen];
        for (int r = 0; r < size; r++) {
            int[] y = targets.get(r);
            targetInput[r * tgtLen] = Vocabulary.BOS_ID;
            System.arraycopy(y, 0, targetInput, r * tgtLen + 1, y.length);
            System.arraycopy(y, 0, targetOutput, r * tgtLen, y.length);
            targetOutput[r * tgtLen + y.length] = Vocabulary.EOS_ID;
        }
    }

    private static void check(int[] row, String side, int r) {
        for (int i = 0; i < row.length; i++) {
            if (row[i] <= Vocabulary.PAD_ID) {
                throw new IllegalArgumentException(side + " " + r + " holds id " + row[i] + " at position "
                        + i + "; ids must be positive (0 is padding)");
            }
        }
    }

    /**
     * A source-only batch.
     *
     * @param sources the sequences, ids positive
     * @param exampleIndices each row's position in the caller's example list
     */
    public static Batch of(List<int[]> sources, int[] exampleIndices) {
        return new Batch(sources, null, exampleIndices);
    }

    /** A source-only batch whose rows are examples 0..n-1. */
    public static Batch of(List<int[]> sources) {
        return of(sources, range(sources.size()));
    }

    /**
     * A parallel batch.
     *
     * @param sources the source sequences
     * @param targets the target sequences {@code y}, without {@code <bos>} or {@code <eos>}
     * @param exampleIndices each row's position in the caller's example list
     */
    public static Batch parallel(List<int[]> sources, List<int[]> targets, int[] exampleIndices) {
        return new Batch(sources, Objects.requireNonNull(targets, "targets"), exampleIndices);
    }

    /** A parallel batch whose rows are examples 0..n-1. */
    public static Batch parallel(List<int[]> sources, List<int[]> targets) {
        return parallel(sources, targets, range(sources.size()));
    }

    private static int[] range(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /** The number of rows. */
    public int size() {
        return size;
    }

    /** The padded source length {@code srcLen}. */
    public int maxLength() {
        return srcLen;
    }

    /** The unpadded source lengths, shape {@code (batch)}. */
    public int[] lengths() {
        return lengths.clone();
    }

    /** Each row's index in the example list the batch was built from (to restore input order). */
    public int[] exampleIndices() {
        return exampleIndices.clone();
    }

    /** The padded source ids as a matrix {@code [batch][srcLen]}. */
    public int[][] idsMatrix() {
        return matrix(ids, srcLen);
    }

    /** The number of real (non-padding) source tokens. */
    public int tokenCount() {
        int total = 0;
        for (int length : lengths) {
            total += length;
        }
        return total;
    }

    /** Whether the batch has a target side. */
    public boolean hasTarget() {
        return targetInput != null;
    }

    /** The padded target length {@code tgtLen} (longest {@code |y| + 1}). */
    public int targetMaxLength() {
        requireTarget();
        return tgtLen;
    }

    /** The target lengths {@code |y| + 1}, shape {@code (batch)}. */
    public int[] targetLengths() {
        requireTarget();
        return targetLengths.clone();
    }

    /** The decoder input {@code <bos> y}, padded, as {@code [batch][tgtLen]}. */
    public int[][] targetInputMatrix() {
        requireTarget();
        return matrix(targetInput, tgtLen);
    }

    /** The decoder output {@code y <eos>}, padded, as {@code [batch][tgtLen]}. */
    public int[][] targetOutputMatrix() {
        requireTarget();
        return matrix(targetOutput, tgtLen);
    }

    /** Source ids, INT32 of shape {@code (batch, srcLen)}. */
    public NDArray ids(NDManager manager) {
        return manager.create(ids, new Shape(size, srcLen));
    }

    /** Source lengths, INT32 of shape {@code (batch)}. */
    public NDArray lengths(NDManager manager) {
        return manager.create(lengths.clone(), new Shape(size));
    }

    /** Source mask, FLOAT32 of shape {@code (batch, srcLen)}: 1 for tokens, 0 for padding. */
    public NDArray mask(NDManager manager) {
        return manager.create(mask(lengths, srcLen), new Shape(size, srcLen));
    }

    /** Decoder input {@code <bos> y}, INT32 of shape {@code (batch, tgtLen)}. */
    public NDArray targetInput(NDManager manager) {
        requireTarget();
        return manager.create(targetInput, new Shape(size, tgtLen));
    }

    /** Decoder output {@code y <eos>}, INT32 of shape {@code (batch, tgtLen)}. */
    public NDArray targetOutput(NDManager manager) {
        requireTarget();
        return manager.create(targetOutput, new Shape(size, tgtLen));
    }

    /** Target lengths {@code |y| + 1}, INT32 of shape {@code (batch)}. */
    public NDArray targetLengths(NDManager manager) {
        requireTarget();
        return manager.create(targetLengths.clone(), new Shape(size));
    }

    /** Target mask, FLOAT32 of shape {@code (batch, tgtLen)}: 1 up to and including {@code <eos>}. */
    public NDArray targetMask(NDManager manager) {
        requireTarget();
        return manager.create(mask(targetLengths, tgtLen), new Shape(size, tgtLen));
    }

    private void requireTarget() {
        if (targetInput == null) {
            throw new IllegalStateException("this batch has no target side");
        }
    }

    private float[] mask(int[] rowLengths, int width) {
        float[] out = new float[size * width];
        for (int r = 0; r < size; r++) {
            for (int i = 0; i < rowLengths[r]; i++) {
                out[r * width + i] = 1f;
            }
        }
        return out;
    }

    private int[][] matrix(int[] flat, int width) {
        int[][] out = new int[size][width];
        for (int r = 0; r < size; r++) {
            System.arraycopy(flat, r * width, out[r], 0, width);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Batch(size=" + size + ", srcLen=" + srcLen + (hasTarget() ? ", tgtLen=" + tgtLen : "") + ")";
    }
}
