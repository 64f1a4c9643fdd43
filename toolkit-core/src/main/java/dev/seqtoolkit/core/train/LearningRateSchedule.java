package dev.seqtoolkit.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The learning rate for each optimizer update. {@code step} is the number of updates already made
 * (0 for the first). Schedules that react to dev metrics keep state, which the trainer checkpoints
 * through {@link #state()} and {@link #restore(JsonNode)}.
 */
public interface LearningRateSchedule {

    /** The rate for the update with 0-based index {@code step}. */
    float rate(long step);

    /** Called after each dev evaluation (end of epoch). */
    default void onEvaluation(Map<String, Double> devMetrics) {}

    /** The mutable state, as JSON (empty for stateless schedules). */
    default JsonNode state() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Restores what {@link #state()} returned. */
    default void restore(JsonNode state) {}

    /** A constant rate. */
    static LearningRateSchedule fixed(float rate) {
        Schedules.checkRate(rate, "rate");
        return step -> rate;
    }

    /** {@code rate * gamma^floor(step / stepSize)}. */
    static LearningRateSchedule stepDecay(float rate, long stepSize, float gamma) {
        Schedules.checkRate(rate, "rate");
        Schedules.checkPositive(stepSize, "stepSize");
        Schedules.checkFactor(gamma, "gamma");
        return step -> (float) (rate * Math.pow(gamma, Math.floorDiv(step, stepSize)));
    }

    /** {@code rate * gamma^(step / decaySteps)}, a smooth decay by {@code gamma} every {@code decaySteps}. */
    static LearningRateSchedule exponentialDecay(float rate, float gamma, long decaySteps) {
        Schedules.checkRate(rate, "rate");
        Schedules.checkPositive(decaySteps, "decaySteps");
        Schedules.checkFactor(gamma, "gamma");
        return step -> (float) (rate * Math.pow(gamma, (double) step / decaySteps));
    }

    /**
     * Starts at {@code rate}; after more than {@code patience} evaluations without improvement of
     * {@code metric} the rate is multiplied by {@code factor}, never going below {@code minRate}.
     */
    static LearningRateSchedule reduceOnPlateau(
            float rate, String metric, MetricMode mode, int patience, float factor, float minRate) {
        return new Schedules.ReduceOnPlateau(rate, metric, mode, patience, factor, minRate);
    }

    /** Linear warm-up: the first {@code warmupSteps} updates use {@code inner.rate(step) * (step + 1) / warmupSteps}. */
    static LearningRateSchedule warmup(LearningRateSchedule inner, long warmupSteps) {
        return new Schedules.Warmup(inner, warmupSteps);
    }
}
