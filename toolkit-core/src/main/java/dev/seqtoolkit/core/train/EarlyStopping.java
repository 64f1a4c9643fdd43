package dev.seqtoolkit.core.train;

import java.util.Objects;

/**
 * Stops training when a dev metric has not improved for {@code patience} evaluations and restores
 * the parameters of the best evaluation.
 */
public final class EarlyStopping {
    private final String metric;
    private final MetricMode mode;
    private final int patience;
    private final double minDelta;

    private EarlyStopping(Builder b) {
        this.metric = b.metric;
        this.mode = b.mode;
        this.patience = b.patience;
        this.minDelta = b.minDelta;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String metric() {
        return metric;
    }

    public MetricMode mode() {
        return mode;
    }

    public int patience() {
        return patience;
    }

    public double minDelta() {
        return minDelta;
    }

    /** Builder: {@code setMetric} required; mode MIN, patience 3, minDelta 0 by default. */
    public static final class Builder {
        private String metric;
        private MetricMode mode = MetricMode.MIN;
        private int patience = 3;
        private double minDelta;

        Builder() {}

        public Builder setMetric(String metric) {
            this.metric = metric;
            return this;
        }

        public Builder optMode(MetricMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder optPatience(int patience) {
            this.patience = patience;
            return this;
        }

        public Builder optMinDelta(double minDelta) {
            this.minDelta = minDelta;
            return this;
        }

        public EarlyStopping build() {
            if (metric == null || metric.isBlank()) {
                throw new IllegalStateException("EarlyStopping: setMetric is required");
            }
            if (patience < 1) {
                throw new IllegalArgumentException("EarlyStopping: patience must be >= 1, got " + patience);
            }
            if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
                throw new IllegalArgumentException("EarlyStopping: minDelta must be >= 0 and finite, got " + minDelta);
            }
            return new EarlyStopping(this);
        }
    }
}
