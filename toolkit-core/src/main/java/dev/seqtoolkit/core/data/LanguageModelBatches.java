package dev.seqtoolkit.core.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Cuts one long token-id sequence into language-model minibatches {@code (X, Y)} of shape
 * {@code (batchSize, numSteps)}, where {@code Y} is {@code X} shifted one token to the right, in
 * the two ways of the d2l.ai recurrent-network chapters.
 *
 * <ul>
 *   <li>{@link Mode#SEQUENTIAL}: drop a random offset {@code o} in {@code [0, numSteps]}, keep the
 *       largest multiple of {@code batchSize} tokens that still has a successor, and lay them out as
 *       {@code batchSize} contiguous streams (row {@code r} is the {@code r}-th slice); batch
 *       {@code k} holds columns {@code [k*numSteps, (k+1)*numSteps)}. Row {@code r} of batch
 *       {@code k+1} continues row {@code r} of batch {@code k}, so the hidden state can be carried.
 *   <li>{@link Mode#RANDOM}: drop a random offset in {@code [0, numSteps - 1]}, cut the rest into
 *       non-overlapping subsequences of {@code numSteps} tokens, shuffle them and group
 *       {@code batchSize} per batch (leftovers are dropped). Neighbouring batches are unrelated;
 *       reset the state for each.
 * </ul>
 * Randomness depends only on {@code (seed, epoch)}. Every token position appears at most once in
 * the {@code X} of an epoch.
 *
 * <p>Immutable and thread-safe.
 */
public final class LanguageModelBatches {

    /** How the sequence is cut. */
    public enum Mode {
        /** Contiguous streams; consecutive batches continue each other. */
        SEQUENTIAL,
        /** Shuffled independent subsequences. */
        RANDOM
    }

    /**
     * One minibatch.
     *
     * @param x inputs {@code [batchSize][numSteps]}
     * @param y targets {@code [batchSize][numSteps]}, {@code y[r][t] = corpus[pos(x[r][t]) + 1]}
     */
    public record Window(int[][] x, int[][] y) {
        /** Inputs, INT32 of shape {@code (batchSize, numSteps)}. */
        public NDArray x(NDManager manager) {
            return create(manager, x);
        }

        /** Targets, INT32 of shape {@code (batchSize, numSteps)}. */
        public NDArray y(NDManager manager) {
            return create(manager, y);
        }

        private static NDArray create(NDManager manager, int[][] rows) {
            int width = rows[0].length;
            int[] flat = new int[rows.length * width];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, flat, r * width, width);
            }
            return manager.create(flat, new Shape(rows.length, width));
        }
    }

    private final int[] corpus;
    private final int batchSize;
    private final int numSteps;
    private final Mode mode;
    private final long seed;

    LanguageModelBatches(Builder b) {
        corpus = b.corpus;
        batchSize = b.batchSize;
        numSteps = b.numSteps;
        mode = b.mode;
        seed = b.seed;
    }

    /** Creates a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The minibatches of one epoch.
     *
     * @param epoch the epoch number; with the seed it fixes the offset and order
     * @return at least one window
     */
    public List<Window> epoch(int epoch) {
        Random random = new Random(Batcher.mix(seed, epoch));
        return mode == Mode.SEQUENTIAL ? sequential(random) : randomSampling(random);
    }

    private List<Window> sequential(Random random) {
        int offset = random.nextInt(numSteps + 1);
        int streamLength = (corpus.length - offset - 1) / batchSize;
        int numBatches = streamLength / numSteps;
        List<Window> out = new ArrayList<>(numBatches);
        for (int k = 0; k < numBatches; k++) {
            int[][] x = new int[batchSize][numSteps];
            int[][] y = new int[batchSize][numSteps];
            for (int r = 0; r < batchSize; r++) {
                int start = offset + r * streamLength + k * numSteps;
                System.arraycopy(corpus, start, x[r], 0, numSteps);
                System.arraycopy(corpus, start + 1, y[r], 0, numSteps);
            }
            out.add(new Window(x, y));
        }
        return out;
    }

    private List<Window> randomSampling(Random random) {
        int offset = random.nextInt(numSteps);
        int numSubsequences = (corpus.length - offset - 1) / numSteps;
        List<Integer> starts = new ArrayList<>(numSubsequences);
        for (int i = 0; i < numSubsequences; i++) {
            starts.add(offset + i * numSteps);
        }
        Collections.shuffle(starts, random);
        int numBatches = numSubsequences / batchSize;
        List<Window> out = new ArrayList<>(numBatches);
        for (int k = 0; k < numBatches; k++) {
            int[][] x = new int[batchSize][numSteps];
            int[][] y = new int[batchSize][numSteps];
            for (int r = 0; r < batchSize; r++) {
                int start = starts.get(k * batchSize + r);
                System.arraycopy(corpus, start, x[r], 0, numSteps);
                System.arraycopy(corpus, start + 1, y[r], 0, numSteps);
            }
            out.add(new Window(x, y));
        }
        return out;
    }

    /** The smallest corpus length accepted for the given sizes: {@code (batchSize + 1) * numSteps + 1}. */
    public static long minimumLength(int batchSize, int numSteps) {
        return ((long) batchSize + 1) * numSteps + 1;
    }

    /** Builder: corpus, batch size and number of steps are required. */
    public static final class Builder {
        private int[] corpus;
        private int batchSize;
        private int numSteps;
        private Mode mode = Mode.SEQUENTIAL;
        private long seed;

        Builder() {}

        /** Sets the token ids (copied). */
        public Builder setCorpus(int[] corpus) {
            this.corpus = Objects.requireNonNull(corpus, "corpus").clone();
            return this;
        }

        /** Sets the number of rows per batch. */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Sets the number of time steps per row. */
        public Builder setNumSteps(int numSteps) {
            this.numSteps = numSteps;
            return this;
        }

        /** Sets the partitioning (default {@link Mode#SEQUENTIAL}). */
        public Builder optMode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Sets the seed (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the batcher.
         *
         * @throws IllegalArgumentException if the corpus is missing, a size is not positive, or the
         *     corpus is shorter than {@link #minimumLength} (one batch plus room for the largest
         *     random offset); messages give the values
         */
        public LanguageModelBatches build() {
            if (corpus == null) {
                throw new IllegalArgumentException("corpus is required (setCorpus)");
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            if (numSteps <= 0) {
                throw new IllegalArgumentException("numSteps must be positive, got " + numSteps);
            }
            long needed = minimumLength(batchSize, numSteps);
            if (corpus.length < needed) {
                throw new IllegalArgumentException("corpus of " + corpus.length + " tokens is too short for batchSize "
                        + batchSize + " x numSteps " + numSteps + ": one batch plus the random offset needs at least ("
                        + batchSize + " + 1) * " + numSteps + " + 1 = " + needed + " tokens");
            }
            return new LanguageModelBatches(this);
        }
    }
}
