package dev.seqtoolkit.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Tokenizer whose tokens are single characters (Unicode code points, so a surrogate pair is one
 * token).
 *
 * <p>Two variants:
 * <ul>
 *   <li>{@link #keepAll()} keeps every character, line breaks included; {@code detokenize}
 *       concatenates the tokens, so the round trip is exact.
 *   <li>{@link #lettersAndSpace()} reproduces the preprocessing of the Time Machine corpus in the
 *       d2l.ai language-model chapters: the text is split into lines (at {@code \n}, {@code \r\n}
 *       or {@code \r}); in each line every maximal run of characters other than ASCII letters
 *       {@code A-Z a-z} is replaced by one space, the line is stripped of leading and trailing
 *       spaces and lowercased; the lines are then concatenated <em>without</em> any separator,
 *       exactly as the book flattens its per-line token lists into one corpus (so the last word of
 *       a line runs into the first word of the next, and blank lines vanish). The tokens are the 26
 *       lowercase letters and the space. On the book's {@code timemachine.txt} this yields 170,580
 *       tokens.
 * </ul>
 */
public final class CharTokenizer implements Tokenizer {

    private final boolean lettersAndSpace;

    private CharTokenizer(boolean lettersAndSpace) {
        this.lettersAndSpace = lettersAndSpace;
    }

    /** A tokenizer that keeps every character as a token. */
    public static CharTokenizer keepAll() {
        return new CharTokenizer(false);
    }

    /** A tokenizer reproducing the d2l Time Machine preprocessing (see the class comment). */
    public static CharTokenizer lettersAndSpace() {
        return new CharTokenizer(true);
    }

    /**
     * Applies the d2l line cleaning (letters kept, other runs to one space, stripped, lowercased)
     * to one line, without splitting it into characters.
     *
     * @param line one line of text, without terminator
     * @return the cleaned line
     */
    public static String cleanLine(String line) {
        StringBuilder out = new StringBuilder(line.length());
        boolean inGap = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
                if (inGap && out.length() > 0) {
                    out.append(' ');
                }
                inGap = false;
                out.append(c);
            } else {
                inGap = true;
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** {@inheritDoc} */
    @Override
    public List<String> tokenize(String text) {
        Objects.requireNonNull(text, "text");
        String source = lettersAndSpace ? cleanText(text) : text;
        List<String> tokens = new ArrayList<>(source.length());
        source.codePoints().forEach(cp -> tokens.add(new String(Character.toChars(cp))));
        return tokens;
    }

    /** Concatenates the tokens. */
    @Override
    public String detokenize(List<String> tokens) {
        return String.join("", Objects.requireNonNull(tokens, "tokens"));
    }

    private static String cleanText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (String line : text.split("\r\n|\r|\n", -1)) {
            out.append(cleanLine(line));
        }
        return out.toString();
    }
}
