package dev.seqtoolkit.core.decode;

import java.util.Arrays;

/**
 * One decoded output sequence.
 *
 * <p>{@link #tokens()} excludes bos and eos. {@link #steps()} counts the decoding steps that made it:
 * the tokens plus the eos if the hypothesis {@link #finished() finished}; a hypothesis cut at the
 * maximum length is not finished. {@link #score()} is {@link #logProb()} divided by the length
 * penalty of {@link #steps()} (equal to it without a length penalty).
 */
public final class Hypothesis {

    private final int[] tokens;
    private final double score;
    private final double logProb;
    private final boolean finished;
    private final float[][] attention;

    /**
     * Creates a hypothesis.
     *
     * @param tokens the output ids, without bos and eos
     * @param score the final normalised score
     * @param logProb the raw sum of log-probabilities, eos included
     * @param finished whether it ended with eos
     * @param attention per step, the attention over the source; or {@code null}
     */
    public Hypothesis(int[] tokens, double score, double logProb, boolean finished, float[][] attention) {
        this.tokens = tokens;
        this.score = score;
        this.logProb = logProb;
        this.finished = finished;
        this.attention = attention;
    }

    /** @return the output ids, without bos and eos; not copied */
    public int[] tokens() {
        return tokens;
    }

    /** @return the final normalised score */
    public double score() {
        return score;
    }

    /** @return the raw sum of log-probabilities of every step, eos included */
    public double logProb() {
        return logProb;
    }

    /** @return true if it ended with eos, false if cut at the maximum length or blocked */
    public boolean finished() {
        return finished;
    }

    /** @return the number of decoding steps: tokens, plus one if finished */
    public int steps() {
        return tokens.length + (finished ? 1 : 0);
    }

    /**
     * @return per step (see {@link #steps()}), the attention over the sentence's {@link
     *     StepModel#attentionLength} source positions; {@code null} if the model gives none
     */
    public float[][] attention() {
        return attention;
    }

    @Override
    public String toString() {
        return "Hypothesis" + Arrays.toString(tokens) + " score=" + score + " logProb=" + logProb
                + (finished ? "" : " (unfinished)");
    }
}
