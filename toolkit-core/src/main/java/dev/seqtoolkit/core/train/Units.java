package dev.seqtoolkit.core.train;

/** What a loss is averaged over. Perplexity is reported only for {@link #TOKENS}. */
public enum Units {
    TOKENS("tok"),
    SENTENCES("sent"),
    EXAMPLES("ex");

    private final String abbreviation;

    Units(String abbreviation) {
        this.abbreviation = abbreviation;
    }

    /** Short name for progress displays, e.g. {@code tok}. */
    public String abbreviation() {
        return abbreviation;
    }
}
