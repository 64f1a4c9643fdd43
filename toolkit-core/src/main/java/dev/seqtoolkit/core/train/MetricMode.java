package dev.seqtoolkit.core.train;

/** Whether a smaller ({@link #MIN}, e.g. loss) or larger ({@link #MAX}, e.g. accuracy) metric is better. */
public enum MetricMode {
    MIN,
    MAX;

    /** True if {@code value} beats {@code best} by more than {@code minDelta}; anything beats NaN. */
    public boolean improves(double value, double best, double minDelta) {
        if (Double.isNaN(best)) {
            return !Double.isNaN(value);
        }
        return this == MIN ? value < best - minDelta : value > best + minDelta;
    }
}
