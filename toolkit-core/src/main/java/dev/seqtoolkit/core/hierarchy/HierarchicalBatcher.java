package dev.seqtoolkit.core.hierarchy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Groups encoded documents into {@link HierarchicalBatch}es for one epoch: (1) if shuffling, the
 * documents are shuffled with a {@link Random} seeded from {@code (seed, epoch)}; (2) consecutive
 * windows of {@code bucketWindow} documents are sorted by (sentences, words) so neighbours pad
 * little; (3) the sorted sequence is cut in order into batches of at most {@code batchSize} documents
 * and at most {@code maxPositions} padded word positions ({@code docs x maxSentences x maxWords}; a
 * document over the budget alone forms a batch of one); (4) if shuffling, the batch order is
 * shuffled. The same (seed, epoch) always gives the same batches. Immutable and thread-safe.
 */
public final class HierarchicalBatcher {
    private final int batchSize;
    private final long maxPositions;
    private final int bucketWindow;
    private final boolean shuffle;
    private final long seed;

    HierarchicalBatcher(Builder b) {
        batchSize = b.batchSize;
        maxPositions = b.maxPositions;
        bucketWindow = b.bucketWindow;
        shuffle = b.shuffle;
        seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The batches of one epoch.
     *
     * @param documents each a non-empty list of non-empty sentences of ids
     * @param epoch with the seed, fixes the order
     */
    public List<HierarchicalBatch> batches(List<List<int[]>> documents, int epoch) {
        Objects.requireNonNull(documents, "documents");
        List<Integer> order = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            order.add(i);
        }
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
        if (shuffle) {
            Collections.shuffle(order, random);
        }
        Comparator<Integer> bySize = Comparator.comparingInt((Integer i) -> documents.get(i).size())
                .thenComparingInt(i -> longest(documents.get(i)));
        for (int start = 0; start < order.size(); start += bucketWindow) {
            order.subList(start, Math.min(order.size(), start + bucketWindow)).sort(bySize);
        }
        List<HierarchicalBatch> batches = new ArrayList<>();
        List<List<int[]>> current = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        int sentences = 0;
        int words = 0;
        for (int i : order) {
            List<int[]> doc = documents.get(i);
            int s = Math.max(sentences, doc.size());
            int w = Math.max(words, longest(doc));
            if (!current.isEmpty() && (current.size() >= batchSize || (long) (current.size() + 1) * s * w > maxPositions)) {
                batches.add(HierarchicalBatch.of(current, toArray(indices)));
                current = new ArrayList<>();
                indices = new ArrayList<>();
                s = doc.size();
                w = longest(doc);
            }
            current.add(doc);
            indices.add(i);
            sentences = s;
            words = w;
        }
        if (!current.isEmpty()) {
            batches.add(HierarchicalBatch.of(current, toArray(indices)));
        }
        if (shuffle) {
            Collections.shuffle(batches, random);
        }
        return batches;
    }

    private static int longest(List<int[]> doc) {
        int n = 0;
        for (int[] s : doc) {
            n = Math.max(n, s.length);
        }
        return n;
    }

    private static int[] toArray(List<Integer> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    /** Builder: {@code setBatchSize} required; budget unlimited, window 1 (no bucketing), no shuffling, seed 0. */
    public static final class Builder {
        private int batchSize;
        private long maxPositions = Long.MAX_VALUE;
        private int bucketWindow = 1;
        private boolean shuffle;
        private long seed;

        Builder() {}

        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Padded word positions per batch ({@code docs x maxSentences x maxWords}). */
        public Builder optMaxPositions(long maxPositions) {
            this.maxPositions = maxPositions;
            return this;
        }

        public Builder optBucketWindow(int bucketWindow) {
            this.bucketWindow = bucketWindow;
            return this;
        }

        public Builder optShuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public HierarchicalBatcher build() {
            if (batchSize < 1) {
                throw new IllegalArgumentException("HierarchicalBatcher: setBatchSize must be >= 1, got " + batchSize);
            }
            if (maxPositions < 1) {
                throw new IllegalArgumentException("HierarchicalBatcher: maxPositions must be >= 1, got " + maxPositions);
            }
            if (bucketWindow < 1) {
                throw new IllegalArgumentException("HierarchicalBatcher: bucketWindow must be >= 1, got " + bucketWindow);
            }
            return new HierarchicalBatcher(this);
        }
    }
}
