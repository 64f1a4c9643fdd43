package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Luong general attention: {@code score(q, k) = q . (W k)}, optionally scaled by {@code
 * 1/sqrt(qDim)}.
 *
 * <p>The parameter {@code weight} is {@code (kDim, qDim)}; keys are projected once per source batch
 * to {@code keys W: (batch, srcLen, qDim)} by {@link #precomputeKeys}, and each step costs one
 * batched product with the query.
 */
public final class GeneralAttention extends AbstractAttention {

    private static final byte VERSION = 1;

    private final long queryDim;
    private final long keyDim;
    private final boolean scaled;
    private final Parameter weight;

    GeneralAttention(Builder builder) {
        super(VERSION);
        this.queryDim = builder.queryDim;
        this.keyDim = builder.keyDim;
        this.scaled = builder.scaled;
        this.weight =
                addParameter(
                        Parameter.builder()
                                .setName("weight")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(keyDim, queryDim))
                                .build());
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the query dimension */
    public long queryDim() {
        return queryDim;
    }

    /** @return the key dimension */
    public long keyDim() {
        return keyDim;
    }

    /** @return the parameter {@code weight}, {@code (kDim, qDim)} */
    public Parameter weight() {
        return weight;
    }

    @Override
    protected void checkKeys(NDArray keys) {
        super.checkKeys(keys);
        if (keys.getShape().get(2) != keyDim) {
            throw new IllegalArgumentException(
                    "GeneralAttention: keys must be (batch, srcLen, " + keyDim + "), got " + keys.getShape());
        }
    }

    @Override
    protected void checkQuery(NDArray query, Shape keysShape) {
        super.checkQuery(query, keysShape);
        if (query.getShape().get(2) != queryDim) {
            throw new IllegalArgumentException(
                    "GeneralAttention: query must be (batch, queryLen, "
                            + queryDim
                            + "), got "
                            + query.getShape());
        }
    }

    @Override
    protected NDArray prepareKeys(ParameterStore ps, NDArray keys, boolean training) {
        Shape s = keys.getShape();
        NDArray w = ps.getValue(weight, keys.getDevice(), training); // (kDim, qDim)
        return flatten3(keys).matMul(w).reshape(s.get(0), s.get(1), queryDim); // (batch, srcLen, qDim)
    }

    @Override
    protected NDArray scores(ParameterStore ps, NDArray query, NDArray prepared, boolean training) {
        NDArray scores = query.matMul(prepared.transpose(0, 2, 1)); // (batch, qLen, srcLen)
        if (scaled) {
            scores = scores.mul(1.0 / Math.sqrt(queryDim));
        }
        return scores;
    }

    /** Builds a {@link GeneralAttention}. */
    public static final class Builder {
        private long queryDim;
        private long keyDim;
        private boolean scaled;

        Builder() {}

        /**
         * @param queryDim the query dimension (required)
         * @return this builder
         */
        public Builder setQueryDim(long queryDim) {
            this.queryDim = queryDim;
            return this;
        }

        /**
         * @param keyDim the key dimension (required)
         * @return this builder
         */
        public Builder setKeyDim(long keyDim) {
            this.keyDim = keyDim;
            return this;
        }

        /**
         * Scales scores by {@code 1/sqrt(qDim)}; default false.
         *
         * @param scaled whether to scale
         * @return this builder
         */
        public Builder optScaled(boolean scaled) {
            this.scaled = scaled;
            return this;
        }

        /** @return the attention */
        public GeneralAttention build() {
            if (queryDim <= 0 || keyDim <= 0) {
                throw new IllegalArgumentException(
                        "GeneralAttention needs setQueryDim and setKeyDim > 0, got queryDim="
                                + queryDim
                                + ", keyDim="
                                + keyDim);
            }
            return new GeneralAttention(this);
        }
    }
}
