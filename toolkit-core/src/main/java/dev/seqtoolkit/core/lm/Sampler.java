package dev.seqtoolkit.core.lm;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from a vector of logits: greedy, temperature sampling, or top-k sampling.
 * A sampler owns its random stream, so one instance per generation stream; seeded instances
 * reproduce their choices.
 */
public final class Sampler {
    private final double temperature;
    private final int topK;
    private final SplittableRandom random;
    private double[] scratch = new double[0];
    private int[] order = new int[0];

    private Sampler(double temperature, int topK, long seed) {
        this.temperature = temperature;
        this.topK = topK;
        this.random = new SplittableRandom(seed);
    }

    /** Always the most likely token (ties go to the lowest id). */
    public static Sampler greedy() {
        return new Sampler(0, 1, 0);
    }

    /**
     * Samples from {@code softmax(logits / temperature)}, restricted to the {@code topK} most likely
     * tokens when {@code topK > 0}.
     */
    public static Sampler sampling(double temperature, int topK, long seed) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("Temperature must be a positive finite number, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be 0 (no limit) or positive, got " + topK);
        }
        return new Sampler(temperature, topK, seed);
    }

    public boolean isGreedy() {
        return temperature == 0 || topK == 1;
    }

    /** Chooses a token id from {@code logits[0, size)}. */
    public int next(float[] logits, int size) {
        if (size <= 0 || size > logits.length) {
            throw new IllegalArgumentException("Vocabulary size " + size + " outside [1, " + logits.length + "]");
        }
        if (isGreedy()) {
            return argMax(logits, size);
        }
        int k = topK == 0 ? size : Math.min(topK, size);
        if (scratch.length < size) {
            scratch = new double[size];
            order = new int[size];
        }
        int[] candidates = candidates(logits, size, k);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            max = Math.max(max, logits[candidates[i]]);
        }
        double total = 0;
        for (int i = 0; i < k; i++) {
            scratch[i] = Math.exp((logits[candidates[i]] - max) / temperature);
            total += scratch[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < k; i++) {
            u -= scratch[i];
            if (u < 0) {
                return candidates[i];
            }
        }
        return candidates[k - 1];
    }

    private int[] candidates(float[] logits, int size, int k) {
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        if (k == size) {
            return order;
        }
        // partial selection sort: k is small in practice
        for (int i = 0; i < k; i++) {
            int best = i;
            for (int j = i + 1; j < size; j++) {
                if (logits[order[j]] > logits[order[best]]) {
                    best = j;
                }
            }
            int t = order[i];
            order[i] = order[best];
            order[best] = t;
        }
        return order;
    }

    /** Index of the largest of {@code values[0, size)}; the first one on ties. */
    public static int argMax(float[] values, int size) {
        int best = 0;
        for (int i = 1; i < size; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return isGreedy() ? "greedy" : "sampling(temperature=" + temperature + ", topK=" + topK + ")";
    }

    static double[] softmax(float[] logits, double temperature) {
        double max = Arrays.stream(toDouble(logits)).max().orElse(0);
        double[] p = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            total += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= total;
        }
        return p;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
