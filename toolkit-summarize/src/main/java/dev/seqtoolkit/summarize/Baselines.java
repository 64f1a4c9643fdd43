package dev.seqtoolkit.summarize;

import java.util.Objects;

/**
 * Extractive baselines that any trained summarizer must beat.
 *
 * <ul>
 *   <li>{@link #lead Lead-n}: the first {@code n} sentences of the document, one per line. Lead-3
 *       is the standard news baseline (See et al. 2017 report 40.34 / 17.70 / 36.57 on the
 *       CNN/DailyMail test set). On dialogues the units are turns: Gliwa et al. (2019) define
 *       SAMSum's LEAD-3 as the first three utterances, and report 31.4 / 8.7 / 29.4 on its test
 *       set. The turns are returned as written, {@code Speaker: text}.
 *   <li>{@link #firstWords First-n-words}: the first {@code n} whitespace-separated tokens, the
 *       headline baseline for Gigaword (Rush et al. 2015 used the first 75 characters; counting
 *       tokens keeps the baseline independent of tokenization width).
 * </ul>
 * An empty or blank document gives an empty summary. Both baselines read only the prefix of the
 * document they return (see {@link Sentences#first}), so a document of any length costs time
 * linear in that prefix; there is no document length bound here (readers keep whole documents,
 * and models bound their input through {@code core.hierarchy.DocumentLimits}).
 *
 * <p>Stateless and thread-safe.
 */
public final class Baselines {

    private Baselines() {}

    /**
     * Lead-n with the document's format {@linkplain DocumentFormat#detect guessed}.
     *
     * @param document the document
     * @param n how many sentences (turns for a dialogue), {@code >= 1}
     * @return the first {@code n} sentences joined by {@code \n}; {@code ""} for a blank document
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static String lead(String document, int n) {
        Objects.requireNonNull(document, "document");
        checkN(n);
        return lead(document, DocumentFormat.detect(document), n);
    }

    /**
     * Lead-n for a document of a known format.
     *
     * @param document the document
     * @param format how it is laid out
     * @param n how many sentences (turns for a dialogue), {@code >= 1}
     * @return the first {@code n} sentences joined by {@code \n}; {@code ""} for a blank document
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static String lead(String document, DocumentFormat format, int n) {
        checkN(n);
        return String.join("\n", Sentences.first(document, format, n));
    }

    /**
     * The first {@code n} whitespace-separated tokens of a document, joined by single spaces (line
     * breaks included: a dialogue's speaker prefixes count as words).
     *
     * @param document the document
     * @param n how many tokens, {@code >= 1}
     * @return the tokens; {@code ""} for a blank document
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static String firstWords(String document, int n) {
        Objects.requireNonNull(document, "document");
        checkN(n);
        StringBuilder out = new StringBuilder();
        int words = 0;
        int i = 0;
        int length = document.length();
        while (words < n) {
            while (i < length && Character.isWhitespace(document.charAt(i))) {
                i++;
            }
            if (i >= length) {
                break;
            }
            int start = i;
            while (i < length && !Character.isWhitespace(document.charAt(i))) {
                i++;
            }
            if (words > 0) {
                out.append(' ');
            }
            out.append(document, start, i);
            words++;
        }
        return out.toString();
    }

    private static void checkN(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a baseline needs n >= 1 but was given " + n);
        }
    }
}
