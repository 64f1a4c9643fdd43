package dev.seqtoolkit.core.hierarchy;

/**
 * The size bound of one document for the hierarchical encoder, which is also its memory bound: a
 * document is encoded as at most {@code maxSentences x maxWordsPerSentence} word positions.
 *
 * <p>With the defaults (64 sentences of at most 100 words, {@link Overflow#TRUNCATE}) a document
 * costs at most 6,400 word positions whatever its length: a 20,000-word review keeps its first 64
 * sentences, each cut to 100 words, and the cut is counted in {@link EncodedDocument}. With {@link
 * Overflow#REFUSE} such a document fails with a {@link DocumentTooLongException} naming the counts and
 * the limits. Both limits are capped at {@value #MAX_LIMIT}.
 *
 * @param maxSentences sentences kept per document, in {@code [1, 1000]}
 * @param maxWordsPerSentence words kept per sentence, in {@code [1, 1000]}
 * @param overflow what to do with a document over either limit
 */
public record DocumentLimits(int maxSentences, int maxWordsPerSentence, Overflow overflow) {

    /** Largest value either limit may take. */
    public static final int MAX_LIMIT = 1000;

    /** What happens to a document over a limit. */
    public enum Overflow {
        /** Keep the first sentences and the first words of each sentence; count what was cut. */
        TRUNCATE,
        /** Throw a {@link DocumentTooLongException}. */
        REFUSE
    }

    /** Checks both limits and the policy. */
    public DocumentLimits {
        if (maxSentences < 1 || maxSentences > MAX_LIMIT) {
            throw new IllegalArgumentException("maxSentences must be in [1, " + MAX_LIMIT + "], got " + maxSentences);
        }
        if (maxWordsPerSentence < 1 || maxWordsPerSentence > MAX_LIMIT) {
            throw new IllegalArgumentException(
                    "maxWordsPerSentence must be in [1, " + MAX_LIMIT + "], got " + maxWordsPerSentence);
        }
        if (overflow == null) {
            throw new IllegalArgumentException("overflow must be TRUNCATE or REFUSE, got null");
        }
    }

    /** 64 sentences of at most 100 words, truncating. */
    public static DocumentLimits defaults() {
        return new DocumentLimits(64, 100, Overflow.TRUNCATE);
    }

    /** The most word positions one document can occupy. */
    public long maxPositions() {
        return (long) maxSentences * maxWordsPerSentence;
    }
}
