package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Element-wise activations a cell may use for its gates and for its candidate and cell outputs.
 *
 * <p>{@link #HARD_SIGMOID} is the piecewise-linear {@code clip(0.2 * x + 0.5, 0, 1)} (Keras'
 * definition; ONNX's HardSigmoid with alpha 0.2, beta 0.5): 0 below -2.5, 1 above 2.5, slope 0.2
 * in between. It costs three engine calls where the others cost one.
 */
public enum GateActivation {
    SIGMOID,
    TANH,
    RELU,
    HARD_SIGMOID;

    /** Applies the activation; the result lives in {@code x}'s manager. */
    public NDArray apply(NDArray x) {
        switch (this) {
            case SIGMOID:
                return Activation.sigmoid(x);
            case TANH:
                return x.tanh();
            case RELU:
                return Activation.relu(x);
            case HARD_SIGMOID:
                try (NDArray scaled = x.mul(0.2f); NDArray shifted = scaled.add(0.5f)) {
                    return shifted.clip(0f, 1f);
                }
            default:
                throw new AssertionError(this);
        }
    }

    /** The same function on one float, for hand-computed expectations in tests and docs. */
    public double apply(double x) {
        switch (this) {
            case SIGMOID:
                return 1 / (1 + Math.exp(-x));
            case TANH:
                return Math.tanh(x);
            case RELU:
                return Math.max(0, x);
            case HARD_SIGMOID:
                return Math.min(1, Math.max(0, 0.2 * x + 0.5));
            default:
                throw new AssertionError(this);
        }
    }
}
