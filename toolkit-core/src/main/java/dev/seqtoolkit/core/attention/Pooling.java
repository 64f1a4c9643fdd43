package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Parameter-free alternatives to {@link AttentionPooling}: one vector per sequence from encoder
 * states {@code (batch, srcLen, dim)} and a mask {@code (batch, srcLen)} (1 real, 0 padding, any
 * numeric type; {@code null} means all real). Masks are right-padded: the real positions of a row are
 * a prefix. A row without real positions pools to zeros for every kind.
 */
public enum Pooling {
    /** Element-wise maximum over real positions. */
    MAX {
        @Override
        NDArray compute(NDArray states, NDArray m) {
            double fill = Masks.fillValue(states.getDataType());
            NDArray filled = states.mul(m).add(m.sub(1).mul(fill)); // padded -> -fill
            NDArray any = m.max(new int[] {1}); // (batch, 1): 1 if the row has a real position
            return filled.max(new int[] {1}).mul(any); // (batch, dim)
        }
    },
    /** Mean over real positions. */
    MEAN {
        @Override
        NDArray compute(NDArray states, NDArray m) {
            NDArray count = m.sum(new int[] {1}).maximum(1); // (batch, 1), at least 1
            return states.mul(m).sum(new int[] {1}).div(count); // (batch, dim)
        }
    },
    /** The state at position {@code length - 1}, where length is the number of real positions. */
    LAST {
        @Override
        NDArray compute(NDArray states, NDArray m) {
            Shape s = states.getShape();
            NDArray last = m.sum(new int[] {1}).sub(1); // (batch, 1): length - 1, -1 if empty
            NDArray positions =
                    states.getManager()
                            .arange(0f, (float) s.get(1), 1f, states.getDataType())
                            .reshape(1, s.get(1)); // (1, srcLen)
            NDArray pick = positions.eq(last).toType(states.getDataType(), false); // (batch, srcLen)
            return pick.expandDims(1).matMul(states).reshape(s.get(0), s.get(2)); // (batch, dim)
        }
    };

    /**
     * Pools the states.
     *
     * @param states {@code (batch, srcLen, dim)}
     * @param mask {@code (batch, srcLen)}, 1 real and 0 padding; or {@code null}
     * @return {@code (batch, dim)}, in the manager of {@code states}
     */
    public NDArray pool(NDArray states, NDArray mask) {
        Shape s = states.getShape();
        if (s.dimension() != 3) {
            throw new IllegalArgumentException(
                    "Pooling." + name() + ": states must be (batch, srcLen, dim), got " + s);
        }
        Masks.checkMask(mask, s.get(0), s.get(1), "Pooling." + name());
        NDManager owner = states.getManager();
        try (NDManager scope = Masks.scope(owner, states, mask)) {
            DataType type = states.getDataType();
            NDArray m =
                    mask == null
                            ? scope.ones(new Shape(s.get(0), s.get(1)), type)
                            : mask.toType(type, false);
            NDArray result = compute(states, m.expandDims(2)); // m: (batch, srcLen, 1)
            result.attach(owner);
            return result;
        }
    }

    /** @param m the mask as {@code (batch, srcLen, 1)} in the states' type */
    abstract NDArray compute(NDArray states, NDArray m);
}
