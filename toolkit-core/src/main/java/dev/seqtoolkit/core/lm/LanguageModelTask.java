package dev.seqtoolkit.core.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.data.LanguageModelBatches;
import dev.seqtoolkit.core.loss.CrossEntropy;
import dev.seqtoolkit.core.nn.RecurrentState;
import dev.seqtoolkit.core.train.LossResult;
import dev.seqtoolkit.core.train.TrainingTask;
import dev.seqtoolkit.core.train.Units;

/**
 * Trains a {@link LanguageModel} on windows of a long token stream. With sequential windows the
 * hidden state is carried from one batch to the next, detached from the graph (truncated
 * backpropagation through time, as in the textbook); with random windows every batch starts from
 * zeros. The carried state is dropped at every epoch start.
 */
public final class LanguageModelTask implements TrainingTask<LanguageModelBatches.Window>, AutoCloseable {
    private final LanguageModel model;
    private final boolean carryState;
    private final int batchSize;
    private final int numSteps;
    private final NDManager stateManager;
    private RecurrentState carried;
    private RecurrentState evalCarried;

    /**
     * @param model an initialised model
     * @param carryState true for sequential windows (state carried across batches)
     * @param manager the manager the carried state lives in (the model's)
     */
    public LanguageModelTask(LanguageModel model, boolean carryState, int batchSize, int numSteps, NDManager manager) {
        this.model = model;
        this.carryState = carryState;
        this.batchSize = batchSize;
        this.numSteps = numSteps;
        this.stateManager = manager.newSubManager();
    }

    @Override
    public Block block() {
        return model;
    }

    @Override
    public Shape[] inputShapes() {
        return new Shape[] {new Shape(batchSize, numSteps)};
    }

    @Override
    public Units units() {
        return Units.TOKENS;
    }

    @Override
    public LossResult loss(NDManager stepManager, ParameterStore ps, LanguageModelBatches.Window batch, boolean training) {
        NDArray x = batch.x(stepManager); // (batch, steps)
        NDArray y = batch.y(stepManager); // (batch, steps)
        RecurrentState start = training ? carried : evalCarried;
        if (start != null && start.h().getShape().get(1) != x.getShape().get(0)) {
            start = null; // a batch of another size (e.g. the last one) starts afresh
        }
        LanguageModel.LanguageModelOutput out = model.forward(ps, x, start, training);
        NDArray loss = CrossEntropy.plain().sum(out.logits(), y, null);
        if (carryState) {
            RecurrentState detached = detach(out.state());
            if (training) {
                replaceCarried(detached);
            } else {
                replaceEvalCarried(detached);
            }
        }
        return new LossResult(loss, x.size());
    }

    private RecurrentState detach(RecurrentState state) {
        NDArray h = state.h().stopGradient();
        h.attach(stateManager);
        NDArray c = null;
        if (state.c() != null) {
            c = state.c().stopGradient();
            c.attach(stateManager);
        }
        return new RecurrentState(h, c);
    }

    private void replaceCarried(RecurrentState next) {
        if (carried != null) {
            carried.close();
        }
        carried = next;
    }

    private void replaceEvalCarried(RecurrentState next) {
        if (evalCarried != null) {
            evalCarried.close();
        }
        evalCarried = next;
    }

    @Override
    public void onEpochStart(int epoch) {
        replaceCarried(null);
        replaceEvalCarried(null);
    }

    /** Drops the state carried between evaluation batches; call before each evaluation pass. */
    public void resetEvaluationState() {
        replaceEvalCarried(null);
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
