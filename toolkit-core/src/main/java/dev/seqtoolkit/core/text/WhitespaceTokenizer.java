package dev.seqtoolkit.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Tokenizer for corpora that are already tokenized (Penn Treebank, SST-2): tokens are the maximal
 * runs of non-whitespace characters, and {@link #detokenize} joins them with single spaces.
 *
 * <p>Whitespace is what {@link Character#isWhitespace(int)} accepts. The no-break space U+00A0 is
 * not whitespace there, so it stays inside tokens.
 */
public final class WhitespaceTokenizer implements Tokenizer {

    private final boolean lowercase;

    private WhitespaceTokenizer(boolean lowercase) {
        this.lowercase = lowercase;
    }

    /** A tokenizer that keeps tokens as they are. */
    public static WhitespaceTokenizer create() {
        return new WhitespaceTokenizer(false);
    }

    /** A tokenizer that lowercases every token ({@link Locale#ROOT}). */
    public static WhitespaceTokenizer lowercasing() {
        return new WhitespaceTokenizer(true);
    }

    /** {@inheritDoc} */
    @Override
    public List<String> tokenize(String text) {
        Objects.requireNonNull(text, "text");
        List<String> tokens = new ArrayList<>();
        int length = text.length();
        int i = 0;
        while (i < length) {
            int cp = text.codePointAt(i);
            if (Character.isWhitespace(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            while (i < length) {
                cp = text.codePointAt(i);
                if (Character.isWhitespace(cp)) {
                    break;
                }
                i += Character.charCount(cp);
            }
            String token = text.substring(start, i);
            tokens.add(lowercase ? token.toLowerCase(Locale.ROOT) : token);
        }
        return tokens;
    }

    /** Joins the tokens with single spaces. */
    @Override
    public String detokenize(List<String> tokens) {
        return String.join(" ", Objects.requireNonNull(tokens, "tokens"));
    }
}
