package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;

/**
 * The output of an {@link Attention}: a context vector per query and the attention weights.
 * Closing the result closes both arrays.
 */
public final class AttentionResult implements AutoCloseable {

    private final NDArray context;
    private final NDArray weights;

    /**
     * Creates a result.
     *
     * @param context {@code (batch, queryLen, vDim)}
     * @param weights {@code (batch, queryLen, srcLen)}
     */
    public AttentionResult(NDArray context, NDArray weights) {
        this.context = context;
        this.weights = weights;
    }

    /** @return the context, {@code (batch, queryLen, vDim)} */
    public NDArray context() {
        return context;
    }

    /** @return the weights, {@code (batch, queryLen, srcLen)}; 0 at padded positions */
    public NDArray weights() {
        return weights;
    }

    @Override
    public void close() {
        context.close();
        weights.close();
    }
}
