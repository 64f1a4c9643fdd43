package dev.seqtoolkit.summarize.extractive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.train.LossResult;
import dev.seqtoolkit.core.train.TrainingTask;
import dev.seqtoolkit.core.train.Units;

/** Trains a {@link SummaRunnerBlock} with binary cross-entropy against oracle labels, summed over real sentences. */
final class ExtractionTask implements TrainingTask<ExtractiveBatch> {
    private final SummaRunnerBlock network;

    ExtractionTask(SummaRunnerBlock network) {
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
    public Units units() {
        return Units.SENTENCES;
    }

    @Override
    public LossResult loss(NDManager step, ParameterStore ps, ExtractiveBatch batch, boolean training) {
        NDArray logits = network.logits(ps, step, batch.batch(), training); // (D, J)
        NDArray loss = SummaRunnerBlock.loss(logits, batch.labels(step), batch.mask(step));
        return new LossResult(loss, batch.batch().sentenceCount(), null);
    }
}
