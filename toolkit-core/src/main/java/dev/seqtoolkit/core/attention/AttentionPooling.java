package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Attention pooling for classifiers (Yang et al.'s hierarchical attention): a learned context vector
 * {@code u} attends additively over encoder states, {@code score_i = u . tanh(W h_i + b)}, and the
 * weighted sum of the states is the sequence's vector.
 *
 * <p>This is {@link AdditiveAttention} with a learned constant query, whose projection {@code W_q q}
 * folds into the bias {@code b}. Parameters: {@code weight (dim, hidden)}, {@code bias (hidden)},
 * {@code context (hidden, 1)}. The masking contract is the attention package's: padded positions
 * get exactly 0, a fully masked sequence pools to zeros.
 *
 * <p>As a block, {@code forward} takes {@code [states]} or {@code [states, mask]} and returns {@code
 * [pooled, weights]}.
 */
public final class AttentionPooling extends AbstractBlock {

    private static final byte VERSION = 1;

    private final long inputDim;
    private final long hiddenDim;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter context;

    AttentionPooling(Builder builder) {
        super(VERSION);
        this.inputDim = builder.inputDim;
        this.hiddenDim = builder.hiddenDim;
        this.weight =
                addParameter(
                        Parameter.builder()
                                .setName("weight")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(inputDim, hiddenDim))
                                .build());
        this.bias =
                addParameter(
                        Parameter.builder()
                                .setName("bias")
                                .setType(Parameter.Type.BIAS)
                                .optShape(new Shape(hiddenDim))
                                .build());
        this.context =
                addParameter(
                        Parameter.builder()
                                .setName("context")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(hiddenDim, 1))
                                .build());
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return {@code weight (dim, hidden)} */
    public Parameter weight() {
        return weight;
    }

    /** @return {@code bias (hidden)} */
    public Parameter bias() {
        return bias;
    }

    /** @return the learned context vector {@code (hidden, 1)} */
    public Parameter context() {
        return context;
    }

    /**
     * Pools each sequence into one vector.
     *
     * @param ps the parameter store
     * @param states {@code (batch, srcLen, dim)}
     * @param mask {@code (batch, srcLen)}, 1 real and 0 padding; or {@code null}
     * @param training whether this is a training forward
     * @return pooled {@code (batch, dim)} and weights {@code (batch, srcLen)}, in the states' manager
     */
    public PoolingResult pool(ParameterStore ps, NDArray states, NDArray mask, boolean training) {
        Shape s = states.getShape();
        if (s.dimension() != 3 || s.get(2) != inputDim) {
            throw new IllegalArgumentException(
                    "AttentionPooling: states must be (batch, srcLen, " + inputDim + "), got " + s);
        }
        long batch = s.get(0);
        long srcLen = s.get(1);
        Masks.checkMask(mask, batch, srcLen, "AttentionPooling");
        NDManager owner = states.getManager();
        try (NDManager scope = Masks.scope(owner, states, mask)) {
            NDArray w = ps.getValue(weight, states.getDevice(), training); // (dim, hidden)
            NDArray b = ps.getValue(bias, states.getDevice(), training); // (hidden)
            NDArray u = ps.getValue(context, states.getDevice(), training); // (hidden, 1)
            NDArray hidden = AbstractAttention.flatten3(states).matMul(w).add(b).tanh(); // (b*s, hidden)
            NDArray scores = hidden.matMul(u).reshape(batch, 1, srcLen); // (batch, 1, srcLen)
            NDArray weights3 = Masks.maskedSoftmax(scores, mask); // (batch, 1, srcLen)
            NDArray pooled = weights3.matMul(states).reshape(batch, inputDim); // (batch, dim)
            NDArray weights = weights3.reshape(batch, srcLen);
            pooled.attach(owner);
            weights.attach(owner);
            return new PoolingResult(pooled, weights);
        }
    }

    /**
     * Pools segments of each sequence (the utterances of a dialogue, say) into one vector each, with
     * one set of scores: within a segment the weights are the softmax of the scores of its positions.
     * Equals {@link #pool} of each segment on its own, without copying states per segment.
     *
     * @param ps the parameter store
     * @param states {@code (batch, srcLen, dim)}
     * @param segments {@code (batch, segments, srcLen)}, 1 where a position belongs to a segment; a
     *     segment without positions pools to zeros
     * @param training whether this is a training forward
     * @return pooled {@code (batch, segments, dim)} and weights {@code (batch, segments, srcLen)}, in
     *     the states' manager
     */
    public PoolingResult poolSegments(ParameterStore ps, NDArray states, NDArray segments, boolean training) {
        Shape s = states.getShape();
        Shape g = segments.getShape();
        if (s.dimension() != 3 || s.get(2) != inputDim || g.dimension() != 3 || g.get(0) != s.get(0)
                || g.get(2) != s.get(1)) {
            throw new IllegalArgumentException("AttentionPooling: states must be (batch, srcLen, " + inputDim
                    + ") and segments (batch, segments, srcLen), got " + s + " and " + g);
        }
        long batch = s.get(0);
        long srcLen = s.get(1);
        NDManager owner = states.getManager();
        try (NDManager scope = Masks.scope(owner, states, segments)) {
            NDArray w = ps.getValue(weight, states.getDevice(), training); // (dim, hidden)
            NDArray b = ps.getValue(bias, states.getDevice(), training); // (hidden)
            NDArray u = ps.getValue(context, states.getDevice(), training); // (hidden, 1)
            NDArray hidden = AbstractAttention.flatten3(states).matMul(w).add(b).tanh(); // (b*s, hidden)
            NDArray scores = hidden.matMul(u).reshape(batch, 1, srcLen); // (batch, 1, srcLen)
            NDArray weights = Masks.maskedSoftmax(scores, segments); // (batch, segments, srcLen)
            NDArray pooled = weights.matMul(states); // (batch, segments, dim)
            pooled.attach(owner);
            weights.attach(owner);
            return new PoolingResult(pooled, weights);
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.isEmpty() || inputs.size() > 2) {
            throw new IllegalArgumentException(
                    "AttentionPooling: expected [states] or [states, mask], got "
                            + inputs.size()
                            + " arrays");
        }
        PoolingResult r =
                pool(ps, inputs.get(0), inputs.size() == 2 ? inputs.get(1) : null, training);
        return new NDList(r.pooled(), r.weights());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), s.get(2)), new Shape(s.get(0), s.get(1))};
    }

    /** Builds an {@link AttentionPooling}. */
    public static final class Builder {
        private long inputDim;
        private long hiddenDim;

        Builder() {}

        /**
         * @param inputDim the dimension of the encoder states (required)
         * @return this builder
         */
        public Builder setInputDim(long inputDim) {
            this.inputDim = inputDim;
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

        /** @return the pooling block */
        public AttentionPooling build() {
            if (inputDim <= 0 || hiddenDim <= 0) {
                throw new IllegalArgumentException(
                        "AttentionPooling needs setInputDim and setHiddenDim > 0, got inputDim="
                                + inputDim
                                + ", hiddenDim="
                                + hiddenDim);
            }
            return new AttentionPooling(this);
        }
    }
}
