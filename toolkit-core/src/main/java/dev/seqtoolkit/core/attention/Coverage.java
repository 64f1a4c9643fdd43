package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.seqtoolkit.core.engine.HostArrays;

/**
 * Coverage (Tu et al. 2016; See et al. 2017): the coverage of source position {@code i} before
 * decoder step {@code t} is the attention it received at the earlier steps, {@code c_t,i = sum_{t' <
 * t} a_t',i}; {@link AdditiveAttention} built with coverage reads it in its scores, and the coverage
 * loss {@code sum_i min(a_t,i, c_t,i)} penalises attending again to what was covered.
 */
public final class Coverage {

    private Coverage() {}

    /**
     * The coverage loss of every step of a sequence of attention distributions, neither masked nor
     * weighted. The coverage is formed as one product with a strictly lower-triangular {@code (tgtLen,
     * tgtLen)} matrix of ones, so gradients flow to every earlier step.
     *
     * @param attention {@code (batch, tgtLen, srcLen)} each step's attention
     * @return {@code (batch, tgtLen)} {@code sum_i min(a_t,i, c_t,i)}, 0 at the first step; in the
     *     manager of {@code attention}
     */
    public static NDArray stepLosses(NDArray attention) {
        Shape s = attention.getShape();
        if (s.dimension() != 3) {
            throw new IllegalArgumentException("attention must be (batch, tgtLen, srcLen), got " + s);
        }
        long batch = s.get(0);
        int steps = (int) s.get(1);
        long srcLen = s.get(2);
        float[] earlier = new float[steps * steps]; // earlier[t' * T + t] = 1 for t' < t
        for (int t = 0; t < steps; t++) {
            for (int u = 0; u < t; u++) {
                earlier[u * steps + t] = 1f;
            }
        }
        NDManager manager = attention.getManager();
        NDArray sums = HostArrays.owned(manager, earlier, new Shape(steps, steps)) // (T, T)
                .toType(attention.getDataType(), false);
        NDArray coverage = attention.transpose(0, 2, 1).reshape(batch * srcLen, steps) // (B * S, T)
                .matMul(sums) // (B * S, T): the attention of the steps before each t
                .reshape(batch, srcLen, steps)
                .transpose(0, 2, 1); // (B, T, S)
        return attention.minimum(coverage).sum(new int[] {2});
    }
}
