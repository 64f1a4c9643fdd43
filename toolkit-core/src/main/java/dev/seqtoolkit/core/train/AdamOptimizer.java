package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDArray;

/**
 * Adam (Kingma and Ba) with bias correction, as {@code torch.optim.Adam}:
 * {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * w -= lr / (1-b1^t) * m / (sqrt(v) / sqrt(1-b2^t) + eps)}. Weight decay is added to the gradient
 * (L2, not decoupled).
 */
public final class AdamOptimizer extends CheckpointableOptimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;

    AdamOptimizer(Builder builder) {
        super(builder);
        this.beta1 = builder.beta1;
        this.beta2 = builder.beta2;
        this.epsilon = builder.epsilon;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String typeName() {
        return "adam";
    }

    @Override
    protected int slotCount() {
        return 2;
    }

    @Override
    protected void apply(NDArray weight, NDArray grad, NDArray[] state, int step, float lr) {
        NDArray m = state[0];
        NDArray v = state[1];
        m.muli(beta1).addi(grad.mul(1f - beta1));
        v.muli(beta2).addi(grad.square().muli(1f - beta2));
        double correction1 = 1.0 - Math.pow(beta1, step);
        double correction2 = 1.0 - Math.pow(beta2, step);
        NDArray denominator = v.sqrt().divi((float) Math.sqrt(correction2)).addi(epsilon);
        weight.subi(m.div(denominator).muli((float) (lr / correction1)));
    }

    /** Builds an {@link AdamOptimizer}; all settings optional. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;

        Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        public Builder optBeta1(float beta1) {
            this.beta1 = beta1;
            return this;
        }

        public Builder optBeta2(float beta2) {
            this.beta2 = beta2;
            return this;
        }

        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        public AdamOptimizer build() {
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("Adam beta1 must be in [0, 1), got " + beta1);
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam beta2 must be in [0, 1), got " + beta2);
            }
            if (!(epsilon > 0) || Float.isInfinite(epsilon)) {
                throw new IllegalArgumentException("Adam epsilon must be positive, got " + epsilon);
            }
            return new AdamOptimizer(this);
        }
    }
}
