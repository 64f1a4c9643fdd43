package dev.seqtoolkit.core.text;

import java.util.List;

/**
 * Splits text into tokens and joins tokens back into text.
 *
 * <p>Implementations are thread-safe: one instance may be shared by many threads.
 */
public interface Tokenizer {

    /**
     * Splits text into tokens.
     *
     * @param text the text; must not be {@code null}
     * @return a new, modifiable list of tokens (empty for blank text)
     */
    List<String> tokenize(String text);

    /**
     * Joins tokens into text, as close to what {@link #tokenize} received as the tokenizer's rules
     * allow.
     *
     * @param tokens the tokens; must not be {@code null}
     * @return the text
     */
    String detokenize(List<String> tokens);
}
