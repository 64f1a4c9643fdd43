package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDArray;

/**
 * What a {@link TrainingTask} returns for one batch.
 *
 * @param loss the loss SUMMED over the batch, a scalar {@code ()} or {@code (1)}; the trainer
 *     divides it by {@code units} before the backward pass
 * @param units how many units (tokens, sentences, examples) the sum covers; positive
 * @param correct optional scalar count of correct predictions (for accuracy), or {@code null}
 */
public record LossResult(NDArray loss, long units, NDArray correct) {
    public LossResult {
        if (loss == null) {
            throw new IllegalArgumentException("LossResult: loss is null");
        }
        if (loss.size() != 1) {
            throw new IllegalArgumentException("LossResult: loss must be a summed scalar, got shape " + loss.getShape());
        }
        if (units <= 0) {
            throw new IllegalArgumentException("LossResult: units must be positive, got " + units);
        }
        if (correct != null && correct.size() != 1) {
            throw new IllegalArgumentException("LossResult: correct must be a scalar count, got shape " + correct.getShape());
        }
    }

    /** A result without an accuracy count. */
    public LossResult(NDArray loss, long units) {
        this(loss, units, null);
    }
}
