package dev.seqtoolkit.core.hierarchy;

import ai.djl.ndarray.NDArray;

/**
 * What the {@link HierarchicalEncoder} returns; closing closes every array.
 *
 * @param document document vectors {@code (docs, sentenceDim)}
 * @param sentenceVectors the packed sentence vectors {@code (sentences, wordDim)}
 * @param wordWeights word attention per packed sentence {@code (sentences, maxWords)}, 0 at padding
 * @param sentenceWeights sentence attention {@code (docs, maxSentences)}, 0 at padding slots
 * @param sentenceStates the sentence-level encoder's outputs {@code (docs, maxSentences, sentenceDim)},
 *     zero at padding slots (what sentence extractors such as SummaRuNNer score)
 */
public record HierarchicalOutput(NDArray document, NDArray sentenceVectors, NDArray wordWeights, NDArray sentenceWeights,
        NDArray sentenceStates) implements AutoCloseable {
    @Override
    public void close() {
        document.close();
        sentenceVectors.close();
        wordWeights.close();
        sentenceWeights.close();
        sentenceStates.close();
    }
}
