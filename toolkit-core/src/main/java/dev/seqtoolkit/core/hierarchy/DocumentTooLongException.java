package dev.seqtoolkit.core.hierarchy;

/** A document over its {@link DocumentLimits} under {@link DocumentLimits.Overflow#REFUSE}. */
public final class DocumentTooLongException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int sentences;
    private final int longestSentence;
    private final DocumentLimits limits;

    /**
     * @param sentences the document's sentence count
     * @param longestSentence the word count of its longest sentence
     * @param limits the limits it exceeds
     */
    public DocumentTooLongException(int sentences, int longestSentence, DocumentLimits limits) {
        super("document has " + sentences + " sentences (limit " + limits.maxSentences() + ") and a longest sentence of "
                + longestSentence + " words (limit " + limits.maxWordsPerSentence()
                + "); it is refused (overflow REFUSE); use TRUNCATE or split the document");
        this.sentences = sentences;
        this.longestSentence = longestSentence;
        this.limits = limits;
    }

    public int sentences() {
        return sentences;
    }

    public int longestSentence() {
        return longestSentence;
    }

    public DocumentLimits limits() {
        return limits;
    }
}
