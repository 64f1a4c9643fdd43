package dev.seqtoolkit.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Objects;

/** Implementations and argument checks behind {@link LearningRateSchedule}'s factories. */
final class Schedules {
    private Schedules() {}

    static void checkRate(float rate, String name) {
        if (!(rate > 0) || Float.isInfinite(rate)) {
            throw new IllegalArgumentException("Learning-rate schedule: " + name + " must be positive and finite, got " + rate);
        }
    }

    static void checkPositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException("Learning-rate schedule: " + name + " must be positive, got " + value);
        }
    }

    static void checkFactor(float value, String name) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException("Learning-rate schedule: " + name + " must be in (0, 1], got " + value);
        }
    }

    static final class ReduceOnPlateau implements LearningRateSchedule {
        private final String metric;
        private final MetricMode mode;
        private final int patience;
        private final float factor;
        private final float minRate;
        private float current;
        private double best = Double.NaN;
        private int badEvaluations;

        ReduceOnPlateau(float rate, String metric, MetricMode mode, int patience, float factor, float minRate) {
            checkRate(rate, "rate");
            if (metric == null || metric.isBlank()) {
                throw new IllegalArgumentException("Learning-rate schedule: metric is blank");
            }
            if (patience < 0) {
                throw new IllegalArgumentException("Learning-rate schedule: patience must be >= 0, got " + patience);
            }
            if (!(factor > 0 && factor < 1)) {
                throw new IllegalArgumentException("Learning-rate schedule: factor must be in (0, 1), got " + factor);
            }
            if (!(minRate >= 0 && minRate <= rate)) {
                throw new IllegalArgumentException(
                        "Learning-rate schedule: minRate must be in [0, rate=" + rate + "], got " + minRate);
            }
            this.metric = metric;
            this.mode = Objects.requireNonNull(mode, "mode");
            this.patience = patience;
            this.factor = factor;
            this.minRate = minRate;
            this.current = rate;
        }

        @Override
        public float rate(long step) {
            return current;
        }

        @Override
        public void onEvaluation(Map<String, Double> devMetrics) {
            Double value = devMetrics.get(metric);
            if (value == null) {
                throw new IllegalArgumentException(
                        "Reduce-on-plateau watches dev metric '" + metric + "' but the evaluator returned " + devMetrics.keySet());
            }
            if (mode.improves(value, best, 0)) {
                best = value;
                badEvaluations = 0;
            } else if (++badEvaluations > patience) {
                current = Math.max(current * factor, minRate);
                badEvaluations = 0;
            }
        }

        @Override
        public JsonNode state() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("current", current);
            node.put("best", Double.isNaN(best) ? null : best);
            node.put("badEvaluations", badEvaluations);
            return node;
        }

        @Override
        public void restore(JsonNode state) {
            if (!state.has("current") || !state.has("badEvaluations")) {
                throw new IllegalArgumentException("Reduce-on-plateau state lacks 'current' or 'badEvaluations': " + state);
            }
            current = (float) state.get("current").asDouble();
            JsonNode b = state.get("best");
            best = b == null || b.isNull() ? Double.NaN : b.asDouble();
            badEvaluations = state.get("badEvaluations").asInt();
        }
    }

    static final class Warmup implements LearningRateSchedule {
        private final LearningRateSchedule inner;
        private final long warmupSteps;

        Warmup(LearningRateSchedule inner, long warmupSteps) {
            this.inner = Objects.requireNonNull(inner, "inner");
            checkPositive(warmupSteps, "warmupSteps");
            this.warmupSteps = warmupSteps;
        }

        @Override
        public float rate(long step) {
            float rate = inner.rate(step);
            return step < warmupSteps ? (float) ((double) rate * (step + 1) / warmupSteps) : rate;
        }

        @Override
        public void onEvaluation(Map<String, Double> devMetrics) {
            inner.onEvaluation(devMetrics);
        }

        @Override
        public JsonNode state() {
            return inner.state();
        }

        @Override
        public void restore(JsonNode state) {
            inner.restore(state);
        }
    }
}
