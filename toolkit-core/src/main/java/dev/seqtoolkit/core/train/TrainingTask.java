package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * What a model implements to be trained by {@link ToolkitTrainer}.
 *
 * <p>The task owns its block: {@link #block()} returns an initialised block whose parameters live
 * in a manager the task controls. A stateful model (a language model carrying hidden state across
 * batches) keeps that state itself and resets it in {@link #onEpochStart(int)}.
 *
 * @param <B> the batch type; if it is {@link AutoCloseable} the trainer closes each batch after use
 */
public interface TrainingTask<B> {

    /** The initialised block to train. */
    Block block();

    /** Input shapes handed to DJL's {@code Trainer.initialize}; they only need to be consistent with the block. */
    Shape[] inputShapes();

    /** What {@link LossResult#units()} counts. */
    default Units units() {
        return Units.EXAMPLES;
    }

    /**
     * Computes the summed loss of a batch.
     *
     * @param stepManager a per-step manager; put every intermediate array here (it is closed after the step)
     * @param parameterStore the store to run {@code block().forward(parameterStore, ..., training)} with
     * @param batch the batch
     * @param training true inside a gradient collector (training step), false for evaluation
     * @return the summed loss and the number of units it covers
     */
    LossResult loss(NDManager stepManager, ParameterStore parameterStore, B batch, boolean training);

    /** Called before the first batch of every epoch (also when a run resumes mid-epoch). */
    default void onEpochStart(int epoch) {}
}
