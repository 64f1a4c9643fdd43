package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.HashMap;
import java.util.Map;

/**
 * A cell's parameters stacked into one matrix so that a step is a single matrix product of {@code
 * [x; h; 1]} (bias folded into the last row). Built by {@link RecurrentCell#stackWeights}; built from
 * the parameters with differentiable operations, so gradients reach the parameters when it is built
 * inside a training step. Build once per sequence (or once per decoding run) and reuse for every
 * step; close when done.
 */
public final class StackedWeights implements AutoCloseable {

    private final NDArray weight; // (in + H + 1, columns)
    private final long inputSize;
    private final long stateSize;
    private final Map<Long, NDArray> ones = new HashMap<>();

    StackedWeights(NDArray weight, long inputSize, long stateSize) {
        Shape shape = weight.getShape();
        if (shape.get(0) != inputSize + stateSize + 1) {
            throw new IllegalStateException("stacked weight " + shape + " for input " + inputSize + ", hidden " + stateSize);
        }
        this.weight = weight;
        this.inputSize = inputSize;
        this.stateSize = stateSize;
    }

    /** {@code (input + hidden + 1, columns)}: rows for x, then h, then the bias row. */
    public NDArray weight() {
        return weight;
    }

    public long inputSize() {
        return inputSize;
    }

    public long stateSize() {
        return stateSize;
    }

    /**
     * {@code [x, h, 1] @ W}: the one matrix product of a step (two engine calls: concat, matMul).
     *
     * @param x {@code (batch, input)}
     * @param h {@code (batch, hidden)}
     * @return {@code (batch, columns)} in {@code x}'s manager
     */
    NDArray project(NDArray x, NDArray h) {
        long batch = x.getShape().get(0);
        NDArray one = ones.computeIfAbsent(batch,
                b -> weight.getManager().ones(new Shape(b, 1), weight.getDataType(), weight.getDevice()));
        try (NDArray xh1 = NDArrays.concat(new NDList(x, h, one), 1)) {
            return xh1.matMul(weight);
        }
    }

    /** Moves the stacked arrays to {@code manager} (they were built in a temporary one). */
    StackedWeights attach(NDManager manager) {
        weight.attach(manager);
        return this;
    }

    @Override
    public void close() {
        weight.close();
        ones.values().forEach(NDArray::close);
        ones.clear();
    }
}
