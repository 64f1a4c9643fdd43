package dev.seqtoolkit.summarize.extractive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.seqtoolkit.core.engine.HostArrays;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;

import java.util.List;

/**
 * A batch of documents with their oracle labels.
 *
 * @param batch the documents
 * @param labels {@code (docs * maxSentences)}: 1 for an oracle sentence, 0 otherwise and at padding
 */
record ExtractiveBatch(HierarchicalBatch batch, float[] labels) {

    ExtractiveBatch {
        if (labels.length != batch.size() * batch.maxSentences()) {
            throw new IllegalArgumentException("expected " + batch.size() * batch.maxSentences() + " labels for "
                    + batch + ", got " + labels.length);
        }
    }

    /** Labels each document of {@code batch} from {@code perDocument} (indexed by example index). */
    static ExtractiveBatch of(HierarchicalBatch batch, List<float[]> perDocument) {
        int slots = batch.maxSentences();
        float[] labels = new float[batch.size() * slots];
        int[] examples = batch.exampleIndices();
        int[] counts = batch.sentenceCounts();
        for (int d = 0; d < examples.length; d++) {
            float[] y = perDocument.get(examples[d]);
            if (y.length != counts[d]) {
                throw new IllegalArgumentException("document " + examples[d] + " has " + counts[d] + " sentences but "
                        + y.length + " labels");
            }
            System.arraycopy(y, 0, labels, d * slots, y.length);
        }
        return new ExtractiveBatch(batch, labels);
    }

    /** Labels {@code (docs, maxSentences)}, engine-owned (they take part in the backward pass). */
    NDArray labels(NDManager m) {
        return HostArrays.owned(m, labels, new Shape(batch.size(), batch.maxSentences()));
    }

    /** Sentence mask {@code (docs, maxSentences)}, engine-owned. */
    NDArray mask(NDManager m) {
        int slots = batch.maxSentences();
        int[] counts = batch.sentenceCounts();
        float[] mask = new float[counts.length * slots];
        for (int d = 0; d < counts.length; d++) {
            for (int j = 0; j < counts[d]; j++) {
                mask[d * slots + j] = 1f;
            }
        }
        return HostArrays.owned(m, mask, new Shape(counts.length, slots));
    }
}
