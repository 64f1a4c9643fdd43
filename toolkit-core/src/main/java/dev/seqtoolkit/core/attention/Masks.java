package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Masked softmax and the scope helpers shared by the attention package. */
final class Masks {

    private Masks() {}

    /**
     * The value added to padded scores before the softmax. Large enough that exp underflows to 0 for
     * float32 and float64; float16 scores get a value that stays finite. The weights are multiplied by
     * the mask afterwards, so padded weights are exactly 0 whatever this value is.
     */
    static double fillValue(DataType type) {
        return type == DataType.FLOAT16 ? 6.0e4 : 1.0e30;
    }

    /**
     * Softmax over the last axis restricted to real positions.
     *
     * <p>Padded positions get exactly 0. A row without real positions gets all zeros (the
     * denominator is 0 there, and 1 is added to it so nothing divides by 0). The row maximum used
     * for stability is taken after filling padded positions, so a large padded score cannot
     * underflow the real ones, and it carries no gradient.
     *
     * @param scores {@code (batch, queryLen, srcLen)} (or {@code (batch, 1, srcLen)} with a per-query
     *     mask), floating point
     * @param mask {@code (batch, srcLen)}, or per query {@code (batch, queryLen, srcLen)}, 1 real and 0
     *     padding, any numeric type; or {@code null}
     * @return weights {@code (batch, queryLen, srcLen)}, in the manager of {@code scores}
     */
    static NDArray maskedSoftmax(NDArray scores, NDArray mask) {
        if (mask == null) {
            return scores.softmax(-1);
        }
        DataType type = scores.getDataType();
        NDArray typed = mask.toType(type, false);
        NDArray m = typed.getShape().dimension() == 3 ? typed : typed.expandDims(1); // (batch, 1 or qLen, srcLen)
        NDArray filled = scores.add(m.sub(1).mul(fillValue(type))); // padded -> about -1e30
        NDArray rowMax = filled.max(new int[] {-1}, true).stopGradient(); // (batch, queryLen, 1)
        NDArray e = filled.sub(rowMax).exp().mul(m); // padded -> exactly 0
        NDArray denom = e.sum(new int[] {-1}, true); // >= 1 if the row has a real position
        NDArray empty = m.sum(new int[] {-1}, true).eq(0).toType(type, false); // (batch, 1, 1)
        return e.div(denom.add(empty));
    }

    /** Checks that {@code mask} is {@code (batch, srcLen)}; names the shapes if not. */
    static void checkMask(NDArray mask, long batch, long srcLen, String what) {
        if (mask == null) {
            return;
        }
        Shape s = mask.getShape();
        if (s.dimension() != 2 || s.get(0) != batch || s.get(1) != srcLen) {
            throw new IllegalArgumentException(
                    what
                            + ": sourceMask must be (batch, srcLen) = ("
                            + batch
                            + ", "
                            + srcLen
                            + "), got "
                            + s);
        }
    }

    /**
     * Opens a scope under {@code owner} and temporarily attaches the distinct non-null arrays to it,
     * so that intermediates land in the scope and the arrays return to their managers on close.
     */
    static NDManager scope(NDManager owner, NDArray... arrays) {
        NDManager scope = owner.newSubManager();
        Set<NDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<NDArray> distinct = new ArrayList<>();
        for (NDArray a : arrays) {
            if (a != null && seen.add(a)) {
                distinct.add(a);
            }
        }
        scope.tempAttachAll(distinct.toArray(new NDArray[0]));
        return scope;
    }

    /** The shape of {@code a} for messages, or "null". */
    static String shapeOf(NDArray a) {
        return a == null ? "null" : a.getShape().toString();
    }
}
