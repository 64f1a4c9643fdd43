package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import dev.seqtoolkit.core.engine.HostArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Host-side plan for running a padded batch with per-row lengths (package-private).
 *
 * <p>Rows are put in order of decreasing length (stable), so that the rows still running at any time
 * form a prefix {@code [0, n)} and can be taken by plain slicing. The time axis is cut into segments
 * at the distinct lengths: segment {@code [start, end)} runs the first {@code rows} sorted rows.
 */
final class SequencePlan {

    /** One stretch of time during which the same sorted prefix of rows is running. */
    record Segment(long start, long end, long rows) {}

    private final long batch;
    private final long time;
    private final long[] lengths; // original order
    private final long[] order; // sorted position -> original row
    private final long[] inverse; // original row -> sorted position
    private final long[] sortedLengths;
    private final boolean full;
    private final boolean identityOrder;
    private final List<Segment> segments;

    private SequencePlan(long batch, long time, long[] lengths) {
        this.batch = batch;
        this.time = time;
        this.lengths = lengths;
        Integer[] idx = new Integer[(int) batch];
        for (int i = 0; i < batch; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(lengths[b], lengths[a])); // stable
        order = new long[(int) batch];
        inverse = new long[(int) batch];
        sortedLengths = new long[(int) batch];
        boolean identity = true;
        boolean allFull = true;
        for (int i = 0; i < batch; i++) {
            order[i] = idx[i];
            inverse[idx[i]] = i;
            sortedLengths[i] = lengths[idx[i]];
            identity &= idx[i] == i;
            allFull &= lengths[i] == time;
        }
        this.full = allFull;
        this.identityOrder = identity;
        List<Segment> segs = new ArrayList<>();
        long start = 0;
        // distinct lengths ascending; rows running in [start, L) are those with length >= L
        long[] distinct = Arrays.stream(lengths).distinct().sorted().toArray();
        for (long end : distinct) {
            long rows = Arrays.stream(lengths).filter(l -> l >= end).count();
            segs.add(new Segment(start, end, rows));
            start = end;
        }
        this.segments = Collections.unmodifiableList(segs);
    }

    /** A plan where every row is {@code time} long. */
    static SequencePlan full(long batch, long time) {
        long[] lengths = new long[(int) batch];
        Arrays.fill(lengths, time);
        return new SequencePlan(batch, time, lengths);
    }

    /**
     * Reads {@code lengths (batch)} to the host (one sync) and checks every value is in {@code [1,
     * time]}; null means full length.
     */
    static SequencePlan of(NDArray lengths, long batch, long time) {
        if (lengths == null) {
            return full(batch, time);
        }
        if (lengths.getShape().dimension() != 1 || lengths.getShape().get(0) != batch) {
            throw new IllegalArgumentException(
                    "lengths must be (batch) = (" + batch + "), got " + lengths.getShape());
        }
        long[] values;
        if (lengths.getDataType() == DataType.INT64) {
            values = lengths.toLongArray();
        } else {
            try (NDArray converted = lengths.toType(DataType.INT64, true)) {
                values = converted.toLongArray();
            }
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 1 || values[i] > time) {
                throw new IllegalArgumentException(
                        "lengths must be in [1, " + time + "] (the time dimension), got "
                                + Arrays.toString(values));
            }
        }
        return new SequencePlan(batch, time, values);
    }

    long batch() {
        return batch;
    }

    long time() {
        return time;
    }

    /** True if every row is {@code time} long: the single-call fast path applies. */
    boolean isFull() {
        return full;
    }

    /** True if rows are already in order of decreasing length (no permutation needed). */
    boolean isIdentityOrder() {
        return identityOrder;
    }

    long[] lengths() {
        return lengths.clone();
    }

    long[] sortedLengths() {
        return sortedLengths.clone();
    }

    List<Segment> segments() {
        return segments;
    }

    /** Reorders {@code x} along {@code axis} (0 or 1) from original into sorted row order. */
    NDArray sortRows(NDArray x, int axis) {
        return takeAlong(x, order, axis);
    }

    /** Reorders {@code x} along {@code axis} (0 or 1) from sorted back into original row order. */
    NDArray unsortRows(NDArray x, int axis) {
        return takeAlong(x, inverse, axis);
    }

    /**
     * Reverses each row of {@code x (batch, time, channels)} (rows in sorted order) within its own
     * length; positions at or beyond the length stay where they are. The map is its own inverse.
     *
     * @return {@code (batch, time, channels)} in {@code x}'s manager
     */
    NDArray reverseSorted(NDArray x) {
        return reverseWithin(x, sortedLengths);
    }

    /** As {@link #reverseSorted(NDArray)} for rows in the caller's original order. */
    NDArray reverseOriginal(NDArray x) {
        return reverseWithin(x, lengths);
    }

    private NDArray reverseWithin(NDArray x, long[] rowLengths) {
        Shape shape = x.getShape();
        if (full) {
            return x.flip(1);
        }
        long[] index = new long[(int) (batch * time)];
        for (int b = 0; b < batch; b++) {
            long len = rowLengths[b];
            for (int t = 0; t < time; t++) {
                long source = t < len ? len - 1 - t : t;
                index[(int) (b * time + t)] = b * time + source;
            }
        }
        try (NDArray flat = x.reshape(batch * time, shape.get(2))) {
            NDArray taken = takeAlong(flat, index, 0);
            NDArray result = taken.reshape(shape);
            taken.close();
            return result;
        }
    }

    /** Time-major validity mask {@code (time, batch)} in original row order: 1 valid, 0 padding. */
    float[] timeMajorMask() {
        float[] mask = new float[(int) (batch * time)];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                mask[(int) (t * batch + b)] = 1f;
            }
        }
        return mask;
    }

    /** {@code x} taken at {@code index} along {@code axis}; result in {@code x}'s manager. */
    static NDArray takeAlong(NDArray x, long[] index, int axis) {
        NDManager manager = x.getManager();
        // autograd keeps the index for the backward pass after this handle is closed
        try (NDArray idx = HostArrays.owned(manager, index)) {
            NDIndex ndIndex = axis == 0 ? new NDIndex("{}", idx) : new NDIndex(":, {}", idx);
            return x.get(ndIndex);
        }
    }
}
