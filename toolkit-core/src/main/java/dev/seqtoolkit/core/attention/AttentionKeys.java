package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys prepared once per source batch by {@link Attention#precomputeKeys}, reused at every decoder
 * step. Holds either a projection owned by this object (additive, general) or the caller's keys
 * themselves (dot), which closing does not touch.
 */
public final class AttentionKeys implements AutoCloseable {

    private final Attention owner;
    private final Shape keysShape;
    private final NDArray prepared;
    private final boolean owned;

    AttentionKeys(Attention owner, Shape keysShape, NDArray prepared, boolean owned) {
        this.owner = owner;
        this.keysShape = keysShape;
        this.prepared = prepared;
        this.owned = owned;
    }

    /** @return the attention that prepared these keys; only it can use them */
    public Attention owner() {
        return owner;
    }

    /** @return the shape of the raw keys, {@code (batch, srcLen, kDim)} */
    public Shape keysShape() {
        return keysShape;
    }

    /** @return the prepared keys, {@code (batch, srcLen, d)} where d depends on the attention */
    public NDArray prepared() {
        return prepared;
    }

    /** @return the batch size */
    public long batchSize() {
        return keysShape.get(0);
    }

    /** @return the source length */
    public long sourceLength() {
        return keysShape.get(1);
    }

    /**
     * Keys for a reordering of the batch rows (beam search tiles and reorders rows every step), without
     * recomputing the projection: an owned projection is indexed, unprojected keys are replaced by
     * {@code reorderedKeys}.
     *
     * @param rowIndices {@code (rows)} integer indices into this batch; row {@code i} of the result is
     *     row {@code rowIndices[i]} of these keys
     * @param reorderedKeys the raw keys already reordered the same way, {@code (rows, srcLen, kDim)}
     * @return new keys owned by the manager of {@code reorderedKeys}; close them when done
     */
    public AttentionKeys reorder(NDArray rowIndices, NDArray reorderedKeys) {
        Shape s = reorderedKeys.getShape();
        if (rowIndices.getShape().dimension() != 1
                || s.dimension() != 3
                || s.get(0) != rowIndices.getShape().get(0)
                || s.get(1) != keysShape.get(1)
                || s.get(2) != keysShape.get(2)) {
            throw new IllegalArgumentException(
                    "reorder: rowIndices must be (rows) and reorderedKeys (rows, "
                            + keysShape.get(1)
                            + ", "
                            + keysShape.get(2)
                            + "), got "
                            + rowIndices.getShape()
                            + " and "
                            + s);
        }
        if (!owned) {
            return new AttentionKeys(owner, s, reorderedKeys, false);
        }
        NDArray selected = prepared.get(reorderedKeys.getManager(), new NDIndex("{}", rowIndices));
        return new AttentionKeys(owner, s, selected, true);
    }

    /** Closes the projection if this object owns it; the caller's keys are never closed. */
    @Override
    public void close() {
        if (owned) {
            prepared.close();
        }
    }
}
