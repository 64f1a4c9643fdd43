package dev.seqtoolkit.translate;

/**
 * A source sentence has more subword tokens than the translator accepts
 * ({@link TranslatorConfig.Pipeline#maxSourceTokens()}). The message names the length, the limit
 * and the config field that sets it.
 */
public final class SourceTooLongException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int length;
    private final int limit;

    SourceTooLongException(int length, int limit) {
        this("", length, limit);
    }

    private SourceTooLongException(String where, int length, int limit) {
        super(where + "source sentence has " + length + " subword tokens after tokenization and BPE; this translator"
                + " accepts at most " + limit + " (pipeline.maxSourceTokens in the translator config, at most "
                + TranslatorConfig.Pipeline.MAX_SOURCE_TOKENS_LIMIT + "); split the text into sentences");
        this.length = length;
        this.limit = limit;
    }

    /**
     * @param where where the sentence came from, e.g. {@code "test.en line 12"}
     * @return the same exception with the place prefixed to the message
     */
    SourceTooLongException at(String where) {
        SourceTooLongException e = new SourceTooLongException(where + ": ", length, limit);
        e.initCause(this);
        return e;
    }

    /** @return the sentence's number of subword tokens */
    public int length() {
        return length;
    }

    /** @return the limit in force */
    public int limit() {
        return limit;
    }
}
