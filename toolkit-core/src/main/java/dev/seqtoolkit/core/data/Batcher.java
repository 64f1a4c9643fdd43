package dev.seqtoolkit.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Groups encoded examples into {@link Batch}es for one epoch.
 *
 * <p>Per epoch: (1) examples with an empty side are dropped, and examples longer than
 * {@code maxLength} on either side are dropped or truncated to {@code maxLength} tokens (target
 * {@code y} is cut before {@code <eos>} is added); (2) if shuffling, the examples are shuffled;
 * (3) consecutive windows of {@code bucketWindow} examples are each sorted by (source length,
 * target length), so that neighbours have similar lengths and padding is small; (4) the sequence
 * of sorted windows is cut greedily, in order, into batches (a batch may straddle two windows) of at most {@code batchSize} rows and at most {@code maxTokens} padded
 * tokens, a batch costing {@code rows * max(srcLen, tgtLen)} (an example over the budget on its own
 * forms a batch of one); (5) if shuffling, the order of the batches is shuffled.
 *
 * <p>Randomness comes from {@link java.util.Random} seeded with a SplitMix64 mix of
 * {@code (seed, epoch)}, so a run resumed at epoch {@code e} sees exactly the batches it would have
 * seen. Without shuffling, input order is kept and only window sorting reorders; a window of 1
 * disables bucketing. {@link Batch#exampleIndices()} maps rows back to input positions.
 *
 * <p>Immutable and thread-safe.
 */
public final class Batcher {

    /** What to do with an example longer than {@code maxLength}. */
    public enum Overlong {
        /** Leave it out (counted in {@link Plan#droppedTooLong()}). */
        DROP,
        /** Keep its first {@code maxLength} tokens (counted in {@link Plan#truncated()}). */
        TRUNCATE
    }

    /**
     * One encoded example.
     *
     * @param source the source ids (positive)
     * @param target the target ids {@code y} without {@code <bos>}/{@code <eos>}, or {@code null}
     */
    public record Example(int[] source, int[] target) {
        /** Checks that the source is present. */
        public Example {
            Objects.requireNonNull(source, "source");
        }

        /** A source-only example. */
        public static Example of(int[] source) {
            return new Example(source, null);
        }

        /** A parallel example. */
        public static Example pair(int[] source, int[] target) {
            return new Example(source, Objects.requireNonNull(target, "target"));
        }
    }

    /**
     * The batches of one epoch and what was left out or cut to get them.
     *
     * @param batches the batches, in training order
     * @param droppedTooLong examples left out for exceeding {@code maxLength}
     * @param droppedEmpty examples left out because a side was empty
     * @param truncated examples cut to {@code maxLength}
     */
    public record Plan(List<Batch> batches, int droppedTooLong, int droppedEmpty, int truncated) {
        /** Makes the batch list unmodifiable. */
        public Plan {
            batches = List.copyOf(batches);
        }
    }

    private final int batchSize;
    private final int maxTokens;
    private final int bucketWindow;
    private final boolean shuffle;
    private final long seed;
    private final int maxLength;
    private final Overlong overlong;

    Batcher(Builder b) {
        batchSize = b.batchSize;
        maxTokens = b.maxTokens;
        bucketWindow = b.bucketWindow;
        shuffle = b.shuffle;
        seed = b.seed;
        maxLength = b.maxLength;
        overlong = b.overlong;
    }

    /** Creates a builder; at least one of batch size and token budget must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds the batches of one epoch.
     *
     * @param examples the examples, either all with a target or all without
     * @param epoch the epoch number, which together with the seed fixes the order
     * @return the batches and the counts of dropped and truncated examples
     */
    public Plan batches(List<Example> examples, int epoch) {
        Objects.requireNonNull(examples, "examples");
        boolean parallel = !examples.isEmpty() && examples.get(0).target() != null;
        List<Integer> kept = new ArrayList<>(examples.size());
        List<Example> prepared = new ArrayList<>(Collections.nCopies(examples.size(), null));
        int tooLong = 0;
        int empty = 0;
        int truncated = 0;
        for (int i = 0; i < examples.size(); i++) {
            Example e = Objects.requireNonNull(examples.get(i), "example " + i);
            if ((e.target() != null) != parallel) {
                throw new IllegalArgumentException("example " + i + (parallel ? " has no target" : " has a target")
                        + " but example 0 " + (parallel ? "has one" : "does not"));
            }
            if (e.source().length == 0 || (parallel && e.target().length == 0)) {
                empty++;
                continue;
            }
            boolean over = e.source().length > maxLength || (parallel && e.target().length > maxLength);
            if (over && overlong == Overlong.DROP) {
                tooLong++;
                continue;
            }
            if (over) {
                truncated++;
                e = new Example(cut(e.source()), parallel ? cut(e.target()) : null);
            }
            prepared.set(i, e);
            kept.add(i);
        }
        Random random = new Random(mix(seed, epoch));
        if (shuffle) {
            Collections.shuffle(kept, random);
        }
        Comparator<Integer> byLength = Comparator
                .<Integer>comparingInt(i -> prepared.get(i).source().length)
                .thenComparingInt(i -> parallel ? prepared.get(i).target().length : 0);
        List<Integer> bucketed = new ArrayList<>(kept.size());
        for (int start = 0; start < kept.size(); start += bucketWindow) {
            List<Integer> window = new ArrayList<>(kept.subList(start, Math.min(kept.size(), start + bucketWindow)));
            window.sort(byLength);
            bucketed.addAll(window);
        }
        List<Batch> batches = new ArrayList<>();
        cut(bucketed, prepared, parallel, batches);
        if (shuffle) {
            Collections.shuffle(batches, random);
        }
        return new Plan(batches, tooLong, empty, truncated);
    }

    private void cut(List<Integer> window, List<Example> prepared, boolean parallel, List<Batch> out) {
        List<Integer> current = new ArrayList<>();
        int width = 0;
        for (int i : window) {
            Example e = prepared.get(i);
            int w = Math.max(e.source().length, parallel ? e.target().length + 1 : 0);
            int newWidth = Math.max(width, w);
            boolean full = current.size() >= batchSize
                    || (!current.isEmpty() && (long) (current.size() + 1) * newWidth > maxTokens);
            if (full) {
                out.add(toBatch(current, prepared, parallel));
                current = new ArrayList<>();
                newWidth = w;
            }
            current.add(i);
            width = newWidth;
        }
        if (!current.isEmpty()) {
            out.add(toBatch(current, prepared, parallel));
        }
    }

    private static Batch toBatch(List<Integer> rows, List<Example> prepared, boolean parallel) {
        List<int[]> sources = new ArrayList<>(rows.size());
        List<int[]> targets = parallel ? new ArrayList<>(rows.size()) : null;
        int[] indices = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            Example e = prepared.get(rows.get(r));
            sources.add(e.source());
            if (parallel) {
                targets.add(e.target());
            }
            indices[r] = rows.get(r);
        }
        return parallel ? Batch.parallel(sources, targets, indices) : Batch.of(sources, indices);
    }

    private int[] cut(int[] ids) {
        return ids.length > maxLength ? Arrays.copyOf(ids, maxLength) : ids;
    }

    /** SplitMix64 finaliser over the seed and epoch; shared by the toolkit's epoch-seeded samplers. */
    static long mix(long seed, long epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Builder for {@link Batcher}. */
    public static final class Builder {
        private int batchSize = Integer.MAX_VALUE;
        private int maxTokens = Integer.MAX_VALUE;
        private boolean sizeSet;
        private int bucketWindow = -1;
        private boolean shuffle = true;
        private long seed;
        private int maxLength = Integer.MAX_VALUE;
        private Overlong overlong = Overlong.DROP;

        Builder() {}

        /** Caps the rows per batch. */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            sizeSet = true;
            return this;
        }

        /** Caps the padded tokens per batch ({@code rows * max(srcLen, tgtLen)}). */
        public Builder optMaxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            sizeSet = true;
            return this;
        }

        /**
         * Sets how many examples are sorted together by length (default: 50 batches' worth, i.e.
         * {@code 50 * batchSize}, or 2,000 examples under a token budget alone); 1 disables bucketing.
         */
        public Builder optBucketWindow(int bucketWindow) {
            this.bucketWindow = bucketWindow;
            return this;
        }

        /** Shuffles examples and batches each epoch (default {@code true}). */
        public Builder optShuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Sets the seed (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Sets the longest allowed side and what to do with longer examples (default: no limit). */
        public Builder optMaxLength(int maxLength, Overlong policy) {
            this.maxLength = maxLength;
            this.overlong = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Builds the batcher.
         *
         * @throws IllegalArgumentException if neither batch size nor token budget is set, or a
         *     size is not positive (the message names the value)
         */
        public Batcher build() {
            if (!sizeSet) {
                throw new IllegalArgumentException("set a batch size (optBatchSize) or a token budget (optMaxTokens)");
            }
            positive("batchSize", batchSize);
            positive("maxTokens", maxTokens);
            positive("maxLength", maxLength);
            if (bucketWindow == -1) {
                bucketWindow = batchSize == Integer.MAX_VALUE ? 2000 : (int) Math.min(Integer.MAX_VALUE, 50L * batchSize);
            }
            positive("bucketWindow", bucketWindow);
            return new Batcher(this);
        }

        private static void positive(String name, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
        }
    }
}
