package dev.seqtoolkit.core.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a document into sentences.
 *
 * <p>Implementations are thread-safe: one instance may be shared by many threads.
 */
public interface SentenceSplitter {

    /**
     * Splits a document into sentences, each given as its tokens.
     *
     * @param document the text; must not be {@code null}
     * @return one token list per sentence, in document order
     */
    List<List<String>> splitTokens(String document);

    /**
     * Splits a document into sentences, each given as text.
     *
     * <p>The default joins each sentence's tokens with {@link #joinSentence}; implementations that
     * know the original character offsets should return the exact source text instead.
     *
     * @param document the text; must not be {@code null}
     * @return the sentences, in document order
     */
    default List<String> split(String document) {
        List<String> sentences = new ArrayList<>();
        for (List<String> tokens : splitTokens(document)) {
            sentences.add(joinSentence(tokens));
        }
        return sentences;
    }

    /**
     * Joins one sentence's tokens into text; the default separates them with single spaces.
     *
     * @param tokens the sentence's tokens
     * @return the sentence text
     */
    default String joinSentence(List<String> tokens) {
        return String.join(" ", tokens);
    }
}
