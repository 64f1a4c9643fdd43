package dev.seqtoolkit.core.decode;

import java.util.Arrays;
import java.util.List;

/**
 * Options and helpers shared by {@link GreedySearch} and {@link BeamSearch}: output length limits
 * and n-gram blocking.
 *
 * <p>Lengths count output tokens, bos and eos excluded. While a hypothesis is shorter than the
 * minimum length, eos gets -inf. A hypothesis that reaches the maximum length stops there,
 * unfinished. With both an absolute and a relative limit ({@code a * srcLen + b}, rounded down), the
 * stricter one applies: the larger minimum and the smaller maximum.
 *
 * <p>N-gram blocking of size n: a token that would complete an n-gram already in the hypothesis gets
 * -inf (n = 1 forbids repeating any token). Tokens with -inf (or NaN) log-probability are never
 * chosen; a hypothesis left without a finite choice stops, unfinished.
 */
public abstract class BaseSearch implements DecodeStrategy {

    /** The default absolute maximum output length. */
    public static final int DEFAULT_MAX_LENGTH = 200;

    private final int minLength;
    private final double minRatio;
    private final int minOffset;
    private final int maxLength;
    private final double maxRatio;
    private final int maxOffset;
    private final int ngramSize;

    protected BaseSearch(BaseBuilder<?> b) {
        this.minLength = b.minLength;
        this.minRatio = b.minRatio;
        this.minOffset = b.minOffset;
        this.maxLength = b.maxLength;
        this.maxRatio = b.maxRatio;
        this.maxOffset = b.maxOffset;
        this.ngramSize = b.ngramSize;
    }

    /** @return the minimum output length for a source of {@code srcLen} tokens */
    public int minLength(int srcLen) {
        int min = minLength;
        if (!Double.isNaN(minRatio)) {
            min = Math.max(min, (int) Math.floor(minRatio * srcLen + minOffset));
        }
        return Math.max(0, min);
    }

    /** @return the maximum output length for a source of {@code srcLen} tokens */
    public int maxLength(int srcLen) {
        int max = maxLength;
        if (!Double.isNaN(maxRatio)) {
            max = Math.min(max, (int) Math.floor(maxRatio * srcLen + maxOffset));
        }
        return Math.max(0, max);
    }

    /** @return the n-gram size blocked from repeating, 0 if none */
    public int ngramSize() {
        return ngramSize;
    }

    /**
     * The tokens that would complete an n-gram already present in {@code tokens}.
     *
     * @param tokens the hypothesis so far, bos excluded
     * @param n the n-gram size; 0 blocks nothing
     * @return the blocked tokens, possibly with repeats; empty if none
     */
    static int[] blockedTokens(int[] tokens, int n) {
        int len = tokens.length;
        if (n <= 0 || len < n) {
            return EMPTY;
        }
        int[] out = new int[len - n + 1];
        int count = 0;
        int suffix = len - n + 1; // start of the last n-1 tokens
        for (int i = 0; i + n - 1 < len; i++) {
            boolean same = true;
            for (int k = 0; k < n - 1 && same; k++) {
                same = tokens[i + k] == tokens[suffix + k];
            }
            if (same) {
                out[count++] = tokens[i + n - 1];
            }
        }
        return count == out.length ? out : Arrays.copyOf(out, count);
    }

    static final int[] EMPTY = new int[0];

    static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code token} may be chosen: finite, not a blocked eos, not n-gram blocked. */
    static boolean allowed(float logProb, int token, boolean eosBlocked, int[] blocked) {
        if (!(logProb > Float.NEGATIVE_INFINITY)) { // also rejects NaN
            return false;
        }
        if (token == SpecialIds.EOS && eosBlocked) {
            return false;
        }
        return blocked.length == 0 || !contains(blocked, token);
    }

    /** Closes {@code old} unless it is {@code next}; returns {@code next}. */
    static DecoderState supersede(DecoderState old, DecoderState next) {
        if (old != null && old != next) {
            old.close();
        }
        return next;
    }

    /** True if {@code indices} is 0, 1, ..., rows - 1. */
    static boolean isIdentity(int[] indices, int rows) {
        if (indices.length != rows) {
            return false;
        }
        for (int i = 0; i < rows; i++) {
            if (indices[i] != i) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks a step's output against the rows and vocabulary the search expects: rows of at least the
     * model's {@link StepModel#vocabSize()} log-probabilities (more for a copy model's extended
     * vocabulary; the searches read each step's own {@link StepOutput#vocabSize()}).
     */
    static void checkOutput(StepOutput out, int rows, int vocabSize) {
        if (out.rows() != rows || out.vocabSize() < vocabSize) {
            throw new IllegalStateException(
                    "step returned "
                            + out.rows()
                            + " rows of "
                            + out.vocabSize()
                            + " log-probabilities; expected "
                            + rows
                            + " rows of at least "
                            + vocabSize);
        }
        if (out.nextState().rows() != rows) {
            throw new IllegalStateException(
                    "step returned a state of " + out.nextState().rows() + " rows; expected " + rows);
        }
    }

    /** A copy of a row's attention over the sentence's positions, or null without attention. */
    static float[] attentionRow(StepOutput out, int row, int length) {
        if (out.attention() == null) {
            return null;
        }
        int width = out.attentionWidth();
        return Arrays.copyOfRange(out.attention(), row * width, row * width + Math.min(width, length));
    }

    static int[] attentionLengths(StepModel model, List<int[]> sources) {
        int[] lengths = new int[sources.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = model.attentionLength(sources.get(i));
        }
        return lengths;
    }

    static void checkSources(List<int[]> sources) {
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i) == null) {
                throw new IllegalArgumentException("source sentence " + i + " is null");
            }
        }
    }

    /**
     * The builder options shared by every search.
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {
        int minLength;
        double minRatio = Double.NaN;
        int minOffset;
        int maxLength = DEFAULT_MAX_LENGTH;
        double maxRatio = Double.NaN;
        int maxOffset;
        int ngramSize;

        protected BaseBuilder() {}

        protected abstract T self();

        /**
         * @param minLength the minimum number of output tokens before eos is allowed; default 0
         * @return this builder
         */
        public T optMinLength(int minLength) {
            this.minLength = minLength;
            return self();
        }

        /**
         * Sets a minimum length relative to the source: {@code floor(a * srcLen + b)}.
         *
         * @param a tokens per source token
         * @param b offset
         * @return this builder
         */
        public T optMinLengthRelative(double a, int b) {
            this.minRatio = a;
            this.minOffset = b;
            return self();
        }

        /**
         * @param maxLength the maximum number of output tokens; default {@value BaseSearch#DEFAULT_MAX_LENGTH}
         * @return this builder
         */
        public T optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return self();
        }

        /**
         * Sets a maximum length relative to the source: {@code floor(a * srcLen + b)}.
         *
         * @param a tokens per source token
         * @param b offset
         * @return this builder
         */
        public T optMaxLengthRelative(double a, int b) {
            this.maxRatio = a;
            this.maxOffset = b;
            return self();
        }

        /**
         * @param n block repeats of n-grams of this size; 0 (default) blocks nothing
         * @return this builder
         */
        public T optNoRepeatNgramSize(int n) {
            this.ngramSize = n;
            return self();
        }

        /** Checks the shared options; called by each {@code build()}. */
        protected void check() {
            if (minLength < 0 || maxLength < 0 || ngramSize < 0) {
                throw new IllegalArgumentException(
                        "minLength, maxLength and ngram size must be >= 0, got minLength="
                                + minLength
                                + ", maxLength="
                                + maxLength
                                + ", ngramSize="
                                + ngramSize);
            }
            checkRatio("min", minRatio);
            checkRatio("max", maxRatio);
        }

        private static void checkRatio(String what, double ratio) {
            if (!Double.isNaN(ratio) && (ratio < 0 || Double.isInfinite(ratio))) {
                throw new IllegalArgumentException(
                        "relative " + what + " length factor must be finite and >= 0, got " + ratio);
            }
        }
    }
}
