package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

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

    /**
     * One Adam update with the engine's fused kernel (one native call instead of about ten array
     * operations, each allocating a temporary the size of the parameter). The kernel computes
     * {@code w -= a * m / (sqrt(v) + e)}; with {@code a = lr * sqrt(c2) / c1} and
     * {@code e = epsilon * sqrt(c2)} that is exactly the textbook (and PyTorch) update
     * {@code w -= lr * (m / c1) / (sqrt(v / c2) + epsilon)}, where {@code ck = 1 - betak^step}.
     * Weight decay has already been added to the gradient by the caller.
     */
    @Override
    protected void apply(NDArray weight, NDArray grad, NDArray[] state, int step, float lr) {
        double correction1 = 1.0 - Math.pow(beta1, step);
        double correction2 = 1.0 - Math.pow(beta2, step);
        float rate = (float) (lr * Math.sqrt(correction2) / correction1);
        float eps = (float) (epsilon * Math.sqrt(correction2));
        weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, state[0], state[1]), new NDList(weight),
                lr, rate, 0f, 1f, -1f, beta1, beta2, eps, false, false);
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
