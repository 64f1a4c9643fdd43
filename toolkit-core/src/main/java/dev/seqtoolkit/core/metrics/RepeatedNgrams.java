package dev.seqtoolkit.core.metrics;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Repetition in generated text: of the {@code total} n-grams of a token sequence, {@code
 * repeated} are occurrences of an n-gram already seen earlier in the same sequence.
 *
 * @param n the n-gram order
 * @param total the number of n-grams in the text ({@code max(0, tokens - n + 1)})
 * @param repeated the number of n-grams that occurred earlier in the same text
 */
public record RepeatedNgrams(int n, long total, long repeated) {

    /** Checks the invariants {@code n >= 1} and {@code 0 <= repeated <= total}. */
    public RepeatedNgrams {
        if (n < 1) {
            throw new IllegalArgumentException("n-gram order must be >= 1 but was " + n);
        }
        if (total < 0 || repeated < 0 || repeated > total) {
            throw new IllegalArgumentException(
                    "need 0 <= repeated <= total but repeated=" + repeated + ", total=" + total);
        }
    }

    /**
     * Counts n-grams and repeated n-grams in one token sequence.
     *
     * @param tokens the tokens of one generated text
     * @param n the n-gram order, e.g. 3 for trigrams
     * @return the counts
     */
    public static RepeatedNgrams count(List<String> tokens, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n-gram order must be >= 1 but was " + n);
        }
        Set<List<String>> seen = new HashSet<>();
        long total = 0;
        long repeated = 0;
        for (int i = 0; i + n <= tokens.size(); i++) {
            total++;
            if (!seen.add(List.copyOf(tokens.subList(i, i + n)))) {
                repeated++;
            }
        }
        return new RepeatedNgrams(n, total, repeated);
    }

    /**
     * Counts on a whitespace-tokenised text.
     *
     * @param text the generated text; split on runs of whitespace
     * @param n the n-gram order
     * @return the counts
     */
    public static RepeatedNgrams count(String text, int n) {
        String trimmed = text.strip();
        return count(trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+")), n);
    }

    /**
     * Pools the counts of another text (corpus-level rate = all repeats / all n-grams).
     *
     * @param other counts of the same order
     * @return the summed counts
     */
    public RepeatedNgrams plus(RepeatedNgrams other) {
        if (other.n != n) {
            throw new IllegalArgumentException(
                    "cannot add counts of different orders: " + n + " and " + other.n);
        }
        return new RepeatedNgrams(n, total + other.total, repeated + other.repeated);
    }

    /** Returns {@code repeated / total}, or 0 for a text with no n-gram (shorter than n). */
    public double rate() {
        return total == 0 ? 0.0 : (double) repeated / total;
    }
}
