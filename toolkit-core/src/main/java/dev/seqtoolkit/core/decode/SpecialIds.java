package dev.seqtoolkit.core.decode;

/**
 * The special token ids every vocabulary of the toolkit reserves. Searches start each hypothesis
 * with {@link #BOS} and end it on {@link #EOS}; neither appears in a {@link Hypothesis}'s tokens.
 */
public final class SpecialIds {
    /** Padding. */
    public static final int PAD = 0;
    /** Unknown word. */
    public static final int UNK = 1;
    /** Beginning of sequence: the previous token of the first decoding step. */
    public static final int BOS = 2;
    /** End of sequence. */
    public static final int EOS = 3;

    private SpecialIds() {}
}
