package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.data.Batch;
import dev.seqtoolkit.core.loss.CrossEntropy;
import dev.seqtoolkit.core.train.LossResult;
import dev.seqtoolkit.core.train.TrainingTask;
import dev.seqtoolkit.core.train.Units;

import java.util.Objects;

/**
 * Trains a {@link Seq2SeqModel} on parallel {@link Batch}es with teacher forcing: the summed,
 * target-masked cross-entropy of {@code y <eos>} given {@code <bos> y}, label-smoothed as configured.
 * Units are target tokens ({@code |y| + 1} per sentence, the {@code <eos>} included).
 */
public final class Seq2SeqTask implements TrainingTask<Batch> {

    private final Seq2SeqModel model;
    private final CrossEntropy loss;
    private final Shape[] inputShapes;

    /**
     * @param model an initialised model
     * @param batchSize the batch size used for the trainer's shape initialisation
     * @param sourceLength a representative source length (for initialisation only)
     * @param targetLength a representative target length (for initialisation only)
     */
    public Seq2SeqTask(Seq2SeqModel model, int batchSize, int sourceLength, int targetLength) {
        this.model = Objects.requireNonNull(model, "model");
        if (batchSize <= 0 || sourceLength <= 0 || targetLength <= 0) {
            throw new IllegalArgumentException("batchSize, sourceLength and targetLength must be positive, got "
                    + batchSize + ", " + sourceLength + ", " + targetLength);
        }
        float eps = model.config().labelSmoothing();
        this.loss = eps > 0 ? CrossEntropy.smoothed(eps) : CrossEntropy.plain();
        this.inputShapes = new Shape[] {
            new Shape(batchSize, sourceLength), new Shape(batchSize), new Shape(batchSize, targetLength)
        };
    }

    public Seq2SeqModel model() {
        return model;
    }

    @Override
    public Block block() {
        return model;
    }

    @Override
    public Shape[] inputShapes() {
        return inputShapes.clone();
    }

    @Override
    public Units units() {
        return Units.TOKENS;
    }

    @Override
    public LossResult loss(NDManager stepManager, ParameterStore ps, Batch batch, boolean training) {
        if (!batch.hasTarget()) {
            throw new IllegalArgumentException("Seq2SeqTask needs parallel batches; got " + batch);
        }
        NDArray src = batch.ids(stepManager); // (batch, srcLen)
        NDArray lengths = batch.lengths(stepManager); // (batch)
        NDArray targetInput = batch.targetInput(stepManager); // (batch, tgtLen)
        NDArray targetOutput = batch.targetOutput(stepManager); // (batch, tgtLen)
        NDArray targetMask = batch.targetMask(stepManager); // (batch, tgtLen)
        Seq2SeqOutput out = model.forwardTeacherForced(ps, src, lengths, targetInput, training);
        NDArray sum = loss.sum(out.logits(), targetOutput, targetMask);
        long units = 0;
        for (int length : batch.targetLengths()) {
            units += length;
        }
        return new LossResult(sum, units);
    }
}
