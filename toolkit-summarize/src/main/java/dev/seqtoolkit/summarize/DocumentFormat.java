package dev.seqtoolkit.summarize;

import java.util.regex.Pattern;

/**
 * How a document's text is laid out, which decides how {@link Sentences} splits it.
 *
 * <p>Each {@link SummaryDataset} declares its format; {@link #detect} guesses it for text of
 * unknown origin.
 */
public enum DocumentFormat {
    /**
     * A chat dialogue, one {@code Speaker: text} turn per line (SAMSum). Its "sentences" are its
     * turns: the non-blank lines.
     */
    DIALOGUE,
    /**
     * Text that is already word-tokenized, tokens separated by spaces and sentence-final
     * punctuation standing alone (CNN/DailyMail as See et al. preprocessed it, Gigaword). Split
     * without re-tokenizing: a sentence ends after a {@code .}, {@code !} or {@code ?} token, and at
     * every line break.
     */
    TOKENIZED,
    /**
     * Raw running text, e.g. a news article as published. Split by Stanford CoreNLP's sentence
     * splitter; a line break always ends a sentence (paragraphs one per line).
     */
    PLAIN;

    /** A sentence-final token standing alone: what raw prose almost never contains. */
    private static final Pattern STANDALONE_END = Pattern.compile("(?:^|\\s)[.!?](?=\\s|$)");

    /**
     * Guesses the format of a document:
     * <ol>
     *   <li>{@link #DIALOGUE} if it has at least two non-blank lines and every one of them starts
     *       with a speaker prefix (see {@link Dialogue});
     *   <li>else {@link #TOKENIZED} if a {@code .}, {@code !} or {@code ?} stands alone between
     *       whitespace (or at the end), as tokenizers leave it;
     *   <li>else {@link #PLAIN}.
     * </ol>
     * A one-line dialogue is therefore treated as running text. The guess reads the whole text
     * once (linear time). Pass the format explicitly whenever the source is known.
     *
     * @param document any text
     * @return the guessed format ({@link #PLAIN} for blank text)
     */
    public static DocumentFormat detect(String document) {
        int lines = 0;
        boolean allTurns = true;
        for (String line : document.split("\r\n|\r|\n")) {
            String stripped = line.strip();
            if (stripped.isEmpty()) {
                continue;
            }
            lines++;
            if (Dialogue.turn(stripped).anonymous()) {
                allTurns = false;
                break;
            }
        }
        if (allTurns && lines >= 2) {
            return DIALOGUE;
        }
        return STANDALONE_END.matcher(document).find() ? TOKENIZED : PLAIN;
    }
}
