package dev.seqtoolkit.core.text;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts tokens and unknown tokens seen while encoding with a {@link Vocabulary}. Thread-safe; one
 * instance may be passed to many concurrent {@code encode} calls.
 */
public final class EncodeStats {

    private final LongAdder tokens = new LongAdder();
    private final LongAdder unknown = new LongAdder();

    /** Creates an empty counter. */
    public EncodeStats() {}

    void record(long tokenCount, long unknownCount) {
        tokens.add(tokenCount);
        unknown.add(unknownCount);
    }

    /** The number of tokens encoded. */
    public long tokens() {
        return tokens.sum();
    }

    /**
     * The number of encoded tokens that became {@code <unk>}: tokens missing from the vocabulary and
     * literal {@code <unk>} tokens in the data (as in the Penn Treebank).
     */
    public long unknown() {
        return unknown.sum();
    }

    /** The share of unknown tokens, 0 when nothing was encoded. */
    public double unknownRate() {
        long total = tokens();
        return total == 0 ? 0.0 : (double) unknown() / total;
    }

    @Override
    public String toString() {
        return String.format("%d tokens, %d unknown (%.2f%%)", tokens(), unknown(),
                100 * unknownRate());
    }
}
