package dev.seqtoolkit.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays made from Java data that the engine owns outright.
 *
 * <p>On the PyTorch engine {@code manager.create(javaArray)} wraps the Java-side buffer instead of
 * copying it. When such an array takes part in the autograd graph (a mask, a gather index) and its
 * handle is closed before the backward pass, the backward pass reads freed memory: wrong gradients
 * or an "index out of bounds" crash. Anything built from host data inside a forward pass that
 * autograd may keep goes through here.
 */
public final class HostArrays {
    private HostArrays() {}

    /** An engine-owned copy of {@code data} with the given shape, in {@code manager}. */
    public static NDArray owned(NDManager manager, float[] data, Shape shape) {
        try (NDArray borrowed = manager.create(data, shape)) {
            return borrowed.duplicate();
        }
    }

    /** An engine-owned copy of {@code data} as a vector, in {@code manager}. */
    public static NDArray owned(NDManager manager, long[] data) {
        try (NDArray borrowed = manager.create(data)) {
            return borrowed.duplicate();
        }
    }
}
