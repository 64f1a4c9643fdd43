package dev.seqtoolkit.sentiment;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;
import dev.seqtoolkit.core.nn.Embedding;
import dev.seqtoolkit.core.nn.RecurrentEncoder;
import dev.seqtoolkit.core.onnx.ClassifierExporter;

/**
 * A text classifier network over {@link HierarchicalBatch}es (the sentence model reads batches with
 * one sentence per text). Implemented by {@link SentenceClassifierBlock} and {@link
 * DocumentClassifierBlock}.
 */
public interface ClassifierNetwork extends Block {

    /**
     * Classifies a batch.
     *
     * @param manager where the batch's arrays and the outputs go
     * @return logits and attention weights, in {@code manager}
     */
    ClassifierOutput classify(ParameterStore ps, NDManager manager, HierarchicalBatch batch, boolean training);

    /** The word embedding. */
    Embedding embedding();

    /** The (word-level) recurrent encoder. */
    RecurrentEncoder wordEncoder();

    int numClasses();

    /** Shapes that initialise the network. */
    Shape[] initializationShapes();

    /**
     * The ONNX exporter of the network's current weights (inference: no dropout); add metadata and
     * build it. The network must be initialised.
     */
    ClassifierExporter.Builder onnxExporter();
}
