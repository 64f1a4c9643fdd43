package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;

/**
 * What a {@link TextClassifier} runs a batch through: the DJL network ({@link DjlScorer}) or an
 * ONNX Runtime session ({@link ClassifierOnnx}). Implementations are safe for concurrent use.
 */
interface Scorer extends AutoCloseable {

    /** Scores one batch; the arrays are the caller's. */
    Scores score(HierarchicalBatch batch);

    /** The backend this scorer runs on. */
    TextClassifier.Backend backend();

    /** Releases the network's or the session's native memory; no call may be in flight. */
    @Override
    void close();

    /**
     * A batch's scores on the host.
     *
     * @param logits {@code (docs, classes)} row-major
     * @param probabilities {@code (docs, classes)}, the softmax of the logits
     * @param wordWeights word attention {@code (sentences, maxWords)} over the batch's packed sentences, or
     *     null without attention pooling
     * @param sentenceWeights sentence attention {@code (docs, maxSentences)}, or null for the sentence model
     */
    record Scores(float[] logits, float[] probabilities, float[] wordWeights, float[] sentenceWeights) {}
}
