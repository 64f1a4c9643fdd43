package dev.seqtoolkit.sentiment;

import java.util.List;

/**
 * One sentence of a prediction with its attention.
 *
 * @param tokens the words the model read (after lowercasing and truncation)
 * @param wordWeights one attention weight per token, summing to 1; empty when the model does not
 *     pool by attention
 * @param weight the sentence's attention weight in its document (1 for the sentence model)
 */
public record SentenceAttention(List<String> tokens, double[] wordWeights, double weight) {
    /** Copies the arrays. */
    public SentenceAttention {
        tokens = List.copyOf(tokens);
        wordWeights = wordWeights.clone();
        if (wordWeights.length != 0 && wordWeights.length != tokens.size()) {
            throw new IllegalArgumentException(wordWeights.length + " weights for " + tokens.size() + " tokens");
        }
    }

    @Override
    public double[] wordWeights() {
        return wordWeights.clone();
    }
}
