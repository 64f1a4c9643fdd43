package dev.seqtoolkit.sentiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.loss.CrossEntropy;
import dev.seqtoolkit.core.train.LossResult;
import dev.seqtoolkit.core.train.TrainingTask;

/**
 * Trains a {@link ClassifierNetwork} with summed cross-entropy over texts. Evaluation batches
 * ({@code training = false}) also count correct argmax predictions, so {@link
 * dev.seqtoolkit.core.train.LossEvaluator} reports dev accuracy; training steps skip the count (the
 * trainer does not read it).
 */
public final class ClassificationTask implements TrainingTask<LabeledBatch> {
    private final ClassifierNetwork network;

    /** @param network an initialised network */
    public ClassificationTask(ClassifierNetwork network) {
        this.network = network;
    }

    @Override
    public Block block() {
        return network;
    }

    @Override
    public Shape[] inputShapes() {
        return network.initializationShapes();
    }

    @Override
    public LossResult loss(NDManager step, ParameterStore ps, LabeledBatch batch, boolean training) {
        ClassifierOutput out = network.classify(ps, step, batch.batch(), training);
        NDArray labels = step.create(batch.labels()).toType(DataType.INT64, false); // (docs)
        NDArray loss = CrossEntropy.plain().sum(out.logits(), labels, null);
        NDArray correct = training ? null
                : out.logits().argMax(1).toType(DataType.INT64, false).eq(labels).toType(DataType.FLOAT32, false).sum();
        return new LossResult(loss, batch.labels().length, correct);
    }
}
