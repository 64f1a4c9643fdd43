package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/** Small helpers for attention tests: seeded arrays, masks from lengths, indexing flat arrays. */
final class Arrays3 {

    private Arrays3() {}

    /** Uniform values in [-1, 1) of the given shape and type. */
    static NDArray random(NDManager m, Random r, DataType type, long... dims) {
        Shape shape = new Shape(dims);
        double[] values = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = 2 * r.nextDouble() - 1;
        }
        return m.create(values, shape).toType(type, false);
    }

    /** A right-padded mask {@code (batch, srcLen)} with the given lengths. */
    static NDArray mask(NDManager m, DataType type, int srcLen, int... lengths) {
        float[] values = new float[lengths.length * srcLen];
        for (int b = 0; b < lengths.length; b++) {
            for (int j = 0; j < lengths[b]; j++) {
                values[b * srcLen + j] = 1f;
            }
        }
        return m.create(values, new Shape(lengths.length, srcLen)).toType(type, false);
    }

    /** Element {@code [i, j, k]} of a flat array of shape {@code (?, d1, d2)}. */
    static double at(double[] flat, long d1, long d2, int i, int j, int k) {
        return flat[(int) ((i * d1 + j) * d2 + k)];
    }

    /** Element {@code [i, j]} of a flat array of shape {@code (?, d1)}. */
    static double at(double[] flat, long d1, int i, int j) {
        return flat[(int) (i * d1 + j)];
    }
}
