package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates a task's own loss on a dev {@link BatchSource}: {@code loss} (per unit),
 * {@code perplexity} when the units are tokens, and {@code accuracy} when the task counts correct
 * predictions.
 */
public final class LossEvaluator<B> implements Evaluator {
    private final TrainingTask<B> task;
    private final BatchSource<B> dev;

    public LossEvaluator(TrainingTask<B> task, BatchSource<B> dev) {
        this.task = Objects.requireNonNull(task, "task");
        this.dev = Objects.requireNonNull(dev, "dev");
    }

    @Override
    public Map<String, Double> evaluate(NDManager manager, ParameterStore parameterStore) {
        double lossSum = 0;
        double correct = 0;
        long units = 0;
        boolean hasCorrect = false;
        Iterator<B> batches = dev.epoch(0);
        while (batches.hasNext()) {
            B batch = batches.next();
            try (NDManager step = manager.newSubManager()) {
                LossResult result = task.loss(step, parameterStore, batch, false);
                lossSum += result.loss().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                units += result.units();
                if (result.correct() != null) {
                    hasCorrect = true;
                    correct += result.correct().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                }
            } finally {
                ToolkitTrainer.closeBatch(batch);
            }
        }
        if (units == 0) {
            throw new IllegalStateException("Dev set is empty: the evaluator saw no batches");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        double loss = lossSum / units;
        metrics.put("loss", loss);
        if (task.units() == Units.TOKENS) {
            metrics.put("perplexity", Math.exp(loss));
        }
        if (hasCorrect) {
            metrics.put("accuracy", correct / units);
        }
        return metrics;
    }
}
