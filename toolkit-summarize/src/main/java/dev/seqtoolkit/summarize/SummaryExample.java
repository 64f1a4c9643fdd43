package dev.seqtoolkit.summarize;

import java.util.Objects;

/**
 * One document and its reference summary, as every summarization reader returns them.
 *
 * <p>A dialogue keeps one {@code Speaker: text} turn per line of {@code document}; a news article
 * is plain text whose sentences the toolkit splits; a headline pair holds one sentence.
 *
 * @param id the example's identifier in its source file (a row id, or the line number)
 * @param document the text to summarize
 * @param summary the reference summary (several sentences are separated by newlines)
 */
public record SummaryExample(String id, String document, String summary) {

    /** Rejects missing fields; empty strings are allowed and handled by the readers' callers. */
    public SummaryExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(summary, "summary");
    }
}
