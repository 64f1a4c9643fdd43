package dev.seqtoolkit.sentiment;

import java.util.Objects;

/**
 * A text with its gold label.
 *
 * @param text the text (may be empty)
 * @param label the label, one of the classifier's declared labels
 * @param source where it came from, for messages ({@code file:line}, or "" in memory)
 */
public record LabeledText(String text, String label, String source) {
    /** Checks for nulls. */
    public LabeledText {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(source, "source");
    }

    /** An in-memory example. */
    public static LabeledText of(String text, String label) {
        return new LabeledText(text, label, "");
    }
}
