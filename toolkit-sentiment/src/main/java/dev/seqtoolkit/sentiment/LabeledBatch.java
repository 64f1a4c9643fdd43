package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;

/**
 * A batch of encoded texts and their label ids.
 *
 * @param batch the texts (one sentence each for the sentence model)
 * @param labels {@code (docs)} label ids in batch order
 */
public record LabeledBatch(HierarchicalBatch batch, int[] labels) {
    /** Checks that there is one label per text. */
    public LabeledBatch {
        if (labels.length != batch.size()) {
            throw new IllegalArgumentException("got " + labels.length + " labels for " + batch.size() + " texts");
        }
        labels = labels.clone();
    }
}
