package dev.seqtoolkit.core.metrics;

/**
 * Streaming perplexity accumulator: sums the negative log-likelihood (natural log) of target
 * tokens and counts them; the value is {@code exp(totalNll / tokenCount)}.
 *
 * <p>Not thread-safe. Use one instance per evaluation run, or {@link #merge} per-thread instances.
 */
public final class Perplexity {

    private double totalNll;
    private long tokenCount;

    /** Creates an empty accumulator. */
    public Perplexity() {}

    /**
     * Adds a batch of tokens.
     *
     * @param summedNll the summed negative natural-log likelihood of the batch's tokens; must be
     *     {@code >= 0} and not NaN ({@code +Infinity} is allowed: a token with probability zero)
     * @param tokens the number of tokens the sum covers; must be {@code >= 0}
     * @return this accumulator
     */
    public Perplexity add(double summedNll, long tokens) {
        if (Double.isNaN(summedNll)) {
            throw new IllegalArgumentException(
                    "summed negative log-likelihood is NaN (batch of " + tokens + " tokens)");
        }
        if (summedNll < 0) {
            throw new IllegalArgumentException(
                    "summed negative log-likelihood must be >= 0 but was " + summedNll);
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("token count must be >= 0 but was " + tokens);
        }
        if (tokens == 0 && summedNll > 0) {
            throw new IllegalArgumentException(
                    "summed negative log-likelihood " + summedNll + " given for 0 tokens");
        }
        totalNll += summedNll;
        tokenCount += tokens;
        return this;
    }

    /**
     * Adds one token per entry of {@code tokenNll}.
     *
     * @param tokenNll per-token negative natural-log likelihoods, shape {@code (tokens)}
     * @return this accumulator
     */
    public Perplexity addTokens(double... tokenNll) {
        double sum = 0;
        for (int i = 0; i < tokenNll.length; i++) {
            double v = tokenNll[i];
            if (Double.isNaN(v) || v < 0) {
                throw new IllegalArgumentException(
                        "token negative log-likelihood at index " + i + " must be >= 0 but was " + v);
            }
            sum += v;
        }
        return add(sum, tokenNll.length);
    }

    /**
     * Adds the totals of another accumulator to this one.
     *
     * @param other the accumulator to merge; left unchanged
     * @return this accumulator
     */
    public Perplexity merge(Perplexity other) {
        totalNll += other.totalNll;
        tokenCount += other.tokenCount;
        return this;
    }

    /** Clears the accumulated totals. */
    public void reset() {
        totalNll = 0;
        tokenCount = 0;
    }

    /** Returns the summed negative log-likelihood so far. */
    public double totalNll() {
        return totalNll;
    }

    /** Returns the number of tokens so far. */
    public long tokenCount() {
        return tokenCount;
    }

    /**
     * Returns the mean negative log-likelihood per token (the cross-entropy in nats).
     *
     * @throws IllegalStateException if no token has been added
     */
    public double meanNll() {
        if (tokenCount == 0) {
            throw new IllegalStateException("perplexity is undefined: no tokens were added");
        }
        return totalNll / tokenCount;
    }

    /**
     * Returns {@code exp(meanNll())}; {@code +Infinity} if a token had probability zero.
     *
     * @throws IllegalStateException if no token has been added
     */
    public double value() {
        return Math.exp(meanNll());
    }

    @Override
    public String toString() {
        return tokenCount == 0
                ? "Perplexity(no tokens)"
                : String.format("Perplexity(%.4f over %d tokens)", value(), tokenCount);
    }
}
