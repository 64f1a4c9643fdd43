package dev.seqtoolkit.core.metrics;

/**
 * Streaming accuracy over label indices: the share of predictions equal to the gold label.
 *
 * <p>Not thread-safe. For per-class figures use {@link ClassificationReport}.
 */
public final class Accuracy {

    private long correct;
    private long total;

    /** Creates an empty accumulator. */
    public Accuracy() {}

    /**
     * Computes the accuracy of one batch.
     *
     * @param gold gold label indices, shape {@code (n)}
     * @param predicted predicted label indices, shape {@code (n)}
     * @return correct / n
     * @throws IllegalArgumentException if the lengths differ or are zero
     */
    public static double of(int[] gold, int[] predicted) {
        return new Accuracy().addAll(gold, predicted).value();
    }

    /**
     * Adds one prediction.
     *
     * @param gold the gold label index
     * @param predicted the predicted label index
     * @return this accumulator
     */
    public Accuracy add(int gold, int predicted) {
        if (gold == predicted) {
            correct++;
        }
        total++;
        return this;
    }

    /**
     * Adds a batch of predictions.
     *
     * @param gold gold label indices, shape {@code (n)}
     * @param predicted predicted label indices, shape {@code (n)}
     * @return this accumulator
     */
    public Accuracy addAll(int[] gold, int[] predicted) {
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException(
                    "gold and predicted label counts differ: "
                            + gold.length
                            + " gold vs "
                            + predicted.length
                            + " predicted");
        }
        for (int i = 0; i < gold.length; i++) {
            add(gold[i], predicted[i]);
        }
        return this;
    }

    /** Returns the number of correct predictions so far. */
    public long correct() {
        return correct;
    }

    /** Returns the number of predictions so far. */
    public long total() {
        return total;
    }

    /**
     * Returns correct / total.
     *
     * @throws IllegalStateException if nothing has been added
     */
    public double value() {
        if (total == 0) {
            throw new IllegalStateException("accuracy is undefined: no predictions were added");
        }
        return (double) correct / total;
    }
}
