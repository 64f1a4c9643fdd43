package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;

/** One vector per sequence and the attention weights that made it. Closing closes both arrays. */
public final class PoolingResult implements AutoCloseable {

    private final NDArray pooled;
    private final NDArray weights;

    /**
     * Creates a result.
     *
     * @param pooled {@code (batch, dim)} ({@code (batch, segments, dim)} from {@link
     *     AttentionPooling#poolSegments})
     * @param weights {@code (batch, srcLen)} ({@code (batch, segments, srcLen)} from {@link
     *     AttentionPooling#poolSegments})
     */
    public PoolingResult(NDArray pooled, NDArray weights) {
        this.pooled = pooled;
        this.weights = weights;
    }

    /** @return the pooled vectors, {@code (batch, dim)} */
    public NDArray pooled() {
        return pooled;
    }

    /** @return the weights, {@code (batch, srcLen)}; 0 at padded positions */
    public NDArray weights() {
        return weights;
    }

    @Override
    public void close() {
        pooled.close();
        weights.close();
    }
}
