package dev.seqtoolkit.sentiment;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;

/**
 * Scores batches with the DJL network. Thread-safe: the parameters are only read and every call
 * works in its own sub-manager that it closes.
 */
final class DjlScorer implements Scorer {
    private final ClassifierNetwork network;
    private final NDManager manager;

    /** Takes ownership of {@code manager}, which holds the network's parameters. */
    DjlScorer(ClassifierNetwork network, NDManager manager) {
        this.network = network;
        this.manager = manager;
    }

    @Override
    public Scores score(HierarchicalBatch batch) {
        try (NDManager m = manager.newSubManager()) {
            ClassifierOutput o = network.classify(new ParameterStore(m, false), m, batch, false);
            return new Scores(o.logits().toFloatArray(), o.logits().softmax(1).toFloatArray(),
                    o.wordWeights() == null ? null : o.wordWeights().toFloatArray(),
                    o.sentenceWeights() == null ? null : o.sentenceWeights().toFloatArray());
        }
    }

    @Override
    public TextClassifier.Backend backend() {
        return TextClassifier.Backend.DJL;
    }

    @Override
    public void close() {
        manager.close();
    }
}
