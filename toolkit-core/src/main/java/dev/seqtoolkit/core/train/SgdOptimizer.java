package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDArray;

/**
 * Stochastic gradient descent with optional momentum, as {@code torch.optim.SGD} (no dampening):
 * {@code b = mu b + g; w -= lr b}, or {@code w -= lr g} without momentum. Weight decay is added
 * to the gradient.
 */
public final class SgdOptimizer extends CheckpointableOptimizer {
    private final float momentum;

    SgdOptimizer(Builder builder) {
        super(builder);
        this.momentum = builder.momentum;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String typeName() {
        return momentum > 0 ? "sgd-momentum" : "sgd";
    }

    @Override
    protected int slotCount() {
        return momentum > 0 ? 1 : 0;
    }

    @Override
    protected void apply(NDArray weight, NDArray grad, NDArray[] state, int step, float lr) {
        if (momentum > 0) {
            NDArray buffer = state[0];
            buffer.muli(momentum).addi(grad);
            weight.subi(buffer.mul(lr));
        } else {
            weight.subi(grad.mul(lr));
        }
    }

    /** Builds an {@link SgdOptimizer}; momentum and weight decay are optional. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private float momentum;

        Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        public Builder optMomentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        public SgdOptimizer build() {
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("SGD momentum must be in [0, 1), got " + momentum);
            }
            return new SgdOptimizer(this);
        }
    }
}
