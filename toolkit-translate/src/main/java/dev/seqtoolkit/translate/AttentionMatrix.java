package dev.seqtoolkit.translate;

import java.util.List;

/**
 * The attention of one translation: row {@code t} holds the weights over the source positions when
 * output token {@code t} was produced.
 *
 * @param sourceTokens the source subwords, plus {@code <eos>} if the model attends to an end token
 *     it appends
 * @param targetTokens the output subwords, plus {@code <eos>} if the translation finished
 * @param weights {@code (targetTokens.size(), sourceTokens.size())}; each row sums to 1
 */
public record AttentionMatrix(List<String> sourceTokens, List<String> targetTokens, float[][] weights) {
    /** Copies the lists and checks the shape. */
    public AttentionMatrix {
        sourceTokens = List.copyOf(sourceTokens);
        targetTokens = List.copyOf(targetTokens);
        if (weights.length != targetTokens.size()) {
            throw new IllegalArgumentException("attention has " + weights.length + " rows for "
                    + targetTokens.size() + " target tokens");
        }
        for (int t = 0; t < weights.length; t++) {
            if (weights[t].length != sourceTokens.size()) {
                throw new IllegalArgumentException("attention row " + t + " has " + weights[t].length
                        + " weights for " + sourceTokens.size() + " source tokens");
            }
        }
    }
}
