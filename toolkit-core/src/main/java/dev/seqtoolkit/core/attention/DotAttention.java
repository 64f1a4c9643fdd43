package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * Luong dot attention: {@code score(q, k) = q . k}, optionally scaled by {@code 1/sqrt(d)}. No
 * parameters; requires {@code qDim == kDim}. Keys are used as they are.
 */
public final class DotAttention extends AbstractAttention {

    private static final byte VERSION = 1;

    private final boolean scaled;

    DotAttention(Builder builder) {
        super(VERSION);
        this.scaled = builder.scaled;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return whether scores are scaled by {@code 1/sqrt(d)} */
    public boolean isScaled() {
        return scaled;
    }

    @Override
    protected NDArray prepareKeys(ParameterStore ps, NDArray keys, boolean training) {
        return keys;
    }

    @Override
    protected void checkQuery(NDArray query, Shape keysShape) {
        super.checkQuery(query, keysShape);
        if (query.getShape().get(2) != keysShape.get(2)) {
            throw new IllegalArgumentException(
                    "DotAttention: qDim must equal kDim; query "
                            + query.getShape()
                            + ", keys "
                            + keysShape);
        }
    }

    @Override
    protected NDArray scores(ParameterStore ps, NDArray query, NDArray keys, boolean training) {
        NDArray scores = query.matMul(keys.transpose(0, 2, 1)); // (batch, qLen, srcLen)
        if (scaled) {
            scores = scores.mul(1.0 / Math.sqrt(query.getShape().get(2)));
        }
        return scores;
    }

    /** Builds a {@link DotAttention}. */
    public static final class Builder {
        private boolean scaled;

        Builder() {}

        /**
         * Scales scores by {@code 1/sqrt(d)}; default false (Luong's dot).
         *
         * @param scaled whether to scale
         * @return this builder
         */
        public Builder optScaled(boolean scaled) {
            this.scaled = scaled;
            return this;
        }

        /** @return the attention */
        public DotAttention build() {
            return new DotAttention(this);
        }
    }
}
