package dev.seqtoolkit.core.train;

import java.util.Map;

/**
 * The outcome of {@link ToolkitTrainer#fit()} or {@link ToolkitTrainer#resume(java.nio.file.Path)}.
 *
 * @param globalSteps optimizer updates made in total (including before a resume)
 * @param epochsCompleted complete epochs
 * @param finalTrainLoss mean training loss per unit over the last (possibly partial) epoch
 * @param finalDevMetrics dev metrics of the last evaluation (empty without an evaluator)
 * @param bestMetric best value of the early-stopping metric, or NaN
 * @param bestEpoch epoch (0-based) of the best value, or -1
 * @param stoppedEarly true if early stopping ended the run (parameters were restored to the best epoch)
 * @param unitsPerSecond training throughput of this run
 * @param elapsedSeconds training time including earlier runs of a resumed run
 */
public record TrainingResult(
        long globalSteps,
        int epochsCompleted,
        double finalTrainLoss,
        Map<String, Double> finalDevMetrics,
        double bestMetric,
        int bestEpoch,
        boolean stoppedEarly,
        double unitsPerSecond,
        double elapsedSeconds) {}
