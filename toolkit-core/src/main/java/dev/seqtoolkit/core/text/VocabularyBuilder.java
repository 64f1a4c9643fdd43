package dev.seqtoolkit.core.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Counts tokens and builds a {@link Vocabulary}: reserved tokens first, then every token seen at
 * least {@code minCount} times, by count descending and then token in ordinal string order,
 * truncated to {@code maxSize} ids in total (reserved ones included).
 *
 * <p>Not thread-safe; count on one thread, or merge counts yourself and call {@link #addCount}.
 */
public final class VocabularyBuilder {

    private final Map<String, Long> counts = new HashMap<>();
    private int minCount = 1;
    private int maxSize = Integer.MAX_VALUE;

    VocabularyBuilder() {}

    /** Counts each token of one sequence once per occurrence. */
    public VocabularyBuilder add(List<String> sequence) {
        for (String token : sequence) {
            addCount(token, 1);
        }
        return this;
    }

    /** Counts the tokens of every sequence. */
    public VocabularyBuilder addAll(Iterable<? extends List<String>> sequences) {
        for (List<String> sequence : sequences) {
            add(sequence);
        }
        return this;
    }

    /**
     * Adds {@code count} occurrences of {@code token}.
     *
     * @throws IllegalArgumentException if the token is empty or the count negative
     */
    public VocabularyBuilder addCount(String token, long count) {
        Objects.requireNonNull(token, "token");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("empty token cannot enter a vocabulary");
        }
        if (count < 0) {
            throw new IllegalArgumentException("negative count " + count + " for token '" + token + "'");
        }
        if (!Vocabulary.RESERVED.contains(token)) {
            counts.merge(token, count, Long::sum);
        }
        return this;
    }

    /** Keeps only tokens seen at least {@code minCount} times (default 1, must be at least 1). */
    public VocabularyBuilder optMinCount(int minCount) {
        this.minCount = minCount;
        return this;
    }

    /** Caps the vocabulary at {@code maxSize} ids including the four reserved ones (default: no cap). */
    public VocabularyBuilder optMaxSize(int maxSize) {
        this.maxSize = maxSize;
        return this;
    }

    /** The counts gathered so far (a copy). */
    public Map<String, Long> counts() {
        return new HashMap<>(counts);
    }

    /**
     * Builds the vocabulary.
     *
     * @throws IllegalArgumentException if {@code minCount < 1} or {@code maxSize < 4}
     */
    public Vocabulary build() {
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be at least 1, got " + minCount);
        }
        if (maxSize < Vocabulary.RESERVED.size()) {
            throw new IllegalArgumentException("maxSize must be at least " + Vocabulary.RESERVED.size()
                    + " (the reserved tokens), got " + maxSize);
        }
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getValue() >= minCount) {
                entries.add(e);
            }
        }
        entries.sort((a, b) -> {
            int byCount = Long.compare(b.getValue(), a.getValue());
            return byCount != 0 ? byCount : a.getKey().compareTo(b.getKey());
        });
        List<String> tokens = new ArrayList<>(Vocabulary.RESERVED);
        for (Map.Entry<String, Long> e : entries) {
            if (tokens.size() >= maxSize) {
                break;
            }
            tokens.add(e.getKey());
        }
        return new Vocabulary(tokens);
    }
}
