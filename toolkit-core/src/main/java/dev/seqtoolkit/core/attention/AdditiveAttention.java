package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Bahdanau (additive) attention: {@code score(q, k) = v . tanh(W_q q + W_k k)}; with coverage (See
 * et al. 2017) {@code score(q, k_i, c_i) = v . tanh(W_q q + W_k k_i + w_c c_i)}, where {@code c_i} is
 * the attention position {@code i} received at earlier decoder steps.
 *
 * <p>Parameters: {@code queryWeight (qDim, hidden)}, {@code keyWeight (kDim, hidden)} and {@code
 * energyWeight (hidden, 1)}, and with coverage {@code coverageWeight (1, hidden)} after them; no
 * biases. See et al. also add a bias inside the tanh; it is left out here, as in the attention
 * without coverage, so that coverage adds exactly one parameter. Keys are projected once per source batch by {@link
 * #precomputeKeys} to {@code keys W_k: (batch, srcLen, hidden)}; each decoder step then projects
 * only the query. The tanh is taken over {@code (batch, queryLen, srcLen, hidden)}, so large
 * {@code queryLen} costs memory; teacher-forced Luong decoders use dot or general attention.
 */
public final class AdditiveAttention extends AbstractAttention {

    private static final byte VERSION = 1;

    private final long queryDim;
    private final long keyDim;
    private final long hiddenDim;
    private final Parameter queryWeight;
    private final Parameter keyWeight;
    private final Parameter energyWeight;
    private final Parameter coverageWeight;

    AdditiveAttention(Builder builder) {
        super(VERSION);
        this.queryDim = builder.queryDim;
        this.keyDim = builder.keyDim;
        this.hiddenDim = builder.hiddenDim;
        this.queryWeight = addParameter(weight("queryWeight", new Shape(queryDim, hiddenDim)));
        this.keyWeight = addParameter(weight("keyWeight", new Shape(keyDim, hiddenDim)));
        this.energyWeight = addParameter(weight("energyWeight", new Shape(hiddenDim, 1)));
        this.coverageWeight = builder.coverage
                ? addParameter(weight("coverageWeight", new Shape(1, hiddenDim)))
                : null;
    }

    private static Parameter weight(String name, Shape shape) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optShape(shape)
                .build();
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

    /** @return the hidden (attention) dimension */
    public long hiddenDim() {
        return hiddenDim;
    }

    /** @return {@code queryWeight (qDim, hidden)} */
    public Parameter queryWeight() {
        return queryWeight;
    }

    /** @return {@code keyWeight (kDim, hidden)} */
    public Parameter keyWeight() {
        return keyWeight;
    }

    /** @return {@code energyWeight (hidden, 1)} */
    public Parameter energyWeight() {
        return energyWeight;
    }

    /** @return {@code coverageWeight (1, hidden)}, or null without coverage */
    public Parameter coverageWeight() {
        return coverageWeight;
    }

    @Override
    public boolean usesCoverage() {
        return coverageWeight != null;
    }

    @Override
    protected void checkKeys(NDArray keys) {
        super.checkKeys(keys);
        if (keys.getShape().get(2) != keyDim) {
            throw new IllegalArgumentException(
                    "AdditiveAttention: keys must be (batch, srcLen, "
                            + keyDim
                            + "), got "
                            + keys.getShape());
        }
    }

    @Override
    protected void checkQuery(NDArray query, Shape keysShape) {
        super.checkQuery(query, keysShape);
        if (query.getShape().get(2) != queryDim) {
            throw new IllegalArgumentException(
                    "AdditiveAttention: query must be (batch, queryLen, "
                            + queryDim
                            + "), got "
                            + query.getShape());
        }
    }

    @Override
    protected NDArray prepareKeys(ParameterStore ps, NDArray keys, boolean training) {
        Shape s = keys.getShape();
        NDArray wk = ps.getValue(keyWeight, keys.getDevice(), training); // (kDim, hidden)
        return flatten3(keys).matMul(wk).reshape(s.get(0), s.get(1), hiddenDim); // (b, srcLen, hidden)
    }

    @Override
    protected NDArray scores(ParameterStore ps, NDArray query, NDArray prepared, boolean training) {
        Shape q = query.getShape();
        long batch = q.get(0);
        long queryLen = q.get(1);
        long srcLen = prepared.getShape().get(1);
        NDArray wq = ps.getValue(queryWeight, query.getDevice(), training); // (qDim, hidden)
        NDArray v = ps.getValue(energyWeight, query.getDevice(), training); // (hidden, 1)
        NDArray pq = flatten3(query).matMul(wq).reshape(batch, queryLen, 1, hiddenDim);
        NDArray energy = pq.add(prepared.expandDims(1)).tanh(); // (b, qLen, srcLen, hidden)
        return energy.reshape(batch * queryLen * srcLen, hiddenDim)
                .matMul(v)
                .reshape(batch, queryLen, srcLen); // (b, qLen, srcLen)
    }

    @Override
    protected NDArray scores(
            ParameterStore ps, NDArray query, NDArray prepared, NDArray coverage, boolean training) {
        Shape q = query.getShape();
        long batch = q.get(0);
        long queryLen = q.get(1);
        long srcLen = prepared.getShape().get(1);
        NDArray wq = ps.getValue(queryWeight, query.getDevice(), training); // (qDim, hidden)
        NDArray v = ps.getValue(energyWeight, query.getDevice(), training); // (hidden, 1)
        NDArray wc = ps.getValue(coverageWeight, query.getDevice(), training); // (1, hidden)
        NDArray pq = flatten3(query).matMul(wq).reshape(batch, queryLen, 1, hiddenDim);
        NDArray pc = coverage.reshape(batch * queryLen * srcLen, 1).matMul(wc)
                .reshape(batch, queryLen, srcLen, hiddenDim); // w_c c_i
        NDArray energy = pq.add(prepared.expandDims(1)).add(pc).tanh(); // (b, qLen, srcLen, hidden)
        return energy.reshape(batch * queryLen * srcLen, hiddenDim)
                .matMul(v)
                .reshape(batch, queryLen, srcLen); // (b, qLen, srcLen)
    }

    /** Builds an {@link AdditiveAttention}. */
    public static final class Builder {
        private long queryDim;
        private long keyDim;
        private long hiddenDim;
        private boolean coverage;

        Builder() {}

        /**
         * @param coverage whether the scores read a coverage vector (adds {@code coverageWeight});
         *     default false
         * @return this builder
         */
        public Builder optCoverage(boolean coverage) {
            this.coverage = coverage;
            return this;
        }

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
         * @param hiddenDim the attention hidden dimension (required)
         * @return this builder
         */
        public Builder setHiddenDim(long hiddenDim) {
            this.hiddenDim = hiddenDim;
            return this;
        }

        /** @return the attention */
        public AdditiveAttention build() {
            if (queryDim <= 0 || keyDim <= 0 || hiddenDim <= 0) {
                throw new IllegalArgumentException(
                        "AdditiveAttention needs setQueryDim, setKeyDim and setHiddenDim > 0, got queryDim="
                                + queryDim
                                + ", keyDim="
                                + keyDim
                                + ", hiddenDim="
                                + hiddenDim);
            }
            return new AdditiveAttention(this);
        }
    }
}
