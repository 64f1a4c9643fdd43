package dev.seqtoolkit.sentiment;

import ai.djl.ndarray.NDArray;

/**
 * A classifier network's output for a batch.
 *
 * @param logits {@code (docs, classes)}
 * @param wordWeights word attention {@code (sentences, maxWords)} over the packed sentences, or null
 *     without attention pooling
 * @param sentenceWeights sentence attention {@code (docs, maxSentences)}, or null for the sentence model
 */
public record ClassifierOutput(NDArray logits, NDArray wordWeights, NDArray sentenceWeights) {}
