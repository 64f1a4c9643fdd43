package dev.seqtoolkit.summarize;

/**
 * How long a summary should be.
 *
 * <ul>
 *   <li>{@link #defaults()}: the model's configured length (an extractive model's {@code
 *       summarySentences});
 *   <li>{@link #sentences(int)}: an extractive summary of the {@code k} best sentences (fewer if the
 *       document has fewer);
 *   <li>{@link #words(int)}: at most {@code n} words (whitespace-separated). An extractive summary
 *       takes the best sentences that fit, skipping those that would overflow the budget; if not even
 *       one fits, it is the best sentence cut to its first {@code n} words.
 * </ul>
 *
 * @param kind which bound
 * @param value the bound ({@code k} or {@code n}); 0 for DEFAULT
 */
public record SummaryLength(Kind kind, int value) {

    /** The kinds of bound. */
    public enum Kind { DEFAULT, SENTENCES, WORDS }

    /** Checks the value. */
    public SummaryLength {
        if (kind == null) {
            throw new IllegalArgumentException("summary length kind must be DEFAULT, SENTENCES or WORDS, got null");
        }
        if (kind == Kind.DEFAULT ? value != 0 : value < 1) {
            throw new IllegalArgumentException("summary length " + kind + " needs "
                    + (kind == Kind.DEFAULT ? "value 0" : "a value >= 1") + ", got " + value);
        }
    }

    /** The model's configured length. */
    public static SummaryLength defaults() {
        return new SummaryLength(Kind.DEFAULT, 0);
    }

    /** The {@code k} best sentences, {@code k >= 1}. */
    public static SummaryLength sentences(int k) {
        return new SummaryLength(Kind.SENTENCES, k);
    }

    /** At most {@code n} words, {@code n >= 1}. */
    public static SummaryLength words(int n) {
        return new SummaryLength(Kind.WORDS, n);
    }

    @Override
    public String toString() {
        return kind == Kind.DEFAULT ? "default length" : value + " " + kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
