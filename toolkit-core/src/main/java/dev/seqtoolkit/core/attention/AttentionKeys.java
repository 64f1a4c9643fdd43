package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
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

    /** Closes the projection if this object owns it; the caller's keys are never closed. */
    @Override
    public void close() {
        if (owned) {
            prepared.close();
        }
    }
}
