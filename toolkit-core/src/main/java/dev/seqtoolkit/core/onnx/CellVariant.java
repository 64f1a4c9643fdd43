package dev.seqtoolkit.core.onnx;

import java.util.Locale;

/**
 * The element-wise functions of a recurrent cell and the extras some cells add, as far as an export
 * has to know them. ONNX's {@code LSTM}/{@code GRU} operators take three (LSTM: f for the i, f, o
 * gates, g for the candidate, h for the cell output) or two (GRU: f for z and r, g for the
 * candidate) activations; what they cannot express (a time gate) makes the export fail with an
 * {@link UnsupportedOperationException} naming it.
 *
 * <p>{@link Activation#HARD_SIGMOID} is ONNX's {@code HardSigmoid}: {@code max(0, min(1, alpha * x +
 * beta))}, by default with Keras' and ONNX's alpha 0.2, beta 0.5 (slope 0.2, saturating at
 * &plusmn;2.5). PyTorch's {@code nn.Hardsigmoid} is alpha 1/6, beta 0.5; choose it with
 * {@link Builder#optHardSigmoid(float, float)}.
 */
public final class CellVariant {
    /** The gate and candidate functions ONNX recurrent operators can express. */
    public enum Activation {
        SIGMOID("Sigmoid"),
        TANH("Tanh"),
        RELU("Relu"),
        HARD_SIGMOID("HardSigmoid");

        private final String onnxName;

        Activation(String onnxName) {
            this.onnxName = onnxName;
        }

        /** The name in ONNX's {@code activations} attribute. */
        public String onnxName() {
            return onnxName;
        }
    }

    private static final CellVariant STANDARD = builder().build();

    private final Activation gate;
    private final Activation candidate;
    private final Activation cellOutput;
    private final float hardSigmoidAlpha;
    private final float hardSigmoidBeta;
    private final boolean timeGate;

    private CellVariant(Builder b) {
        this.gate = b.gate;
        this.candidate = b.candidate;
        this.cellOutput = b.cellOutput;
        this.hardSigmoidAlpha = b.alpha;
        this.hardSigmoidBeta = b.beta;
        this.timeGate = b.timeGate;
    }

    /** Sigmoid gates, tanh candidate and cell output: what DJL's fused kernels compute. */
    public static CellVariant standard() {
        return STANDARD;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** f: the function of the i, f, o (LSTM) or r, z (GRU) gates. */
    public Activation gate() {
        return gate;
    }

    /** g: the function of the candidate ({@code g} in LSTM, {@code n} in GRU). */
    public Activation candidate() {
        return candidate;
    }

    /** h: LSTM's function of the cell state in {@code h = o * h(c)}; ignored by GRU. */
    public Activation cellOutput() {
        return cellOutput;
    }

    public float hardSigmoidAlpha() {
        return hardSigmoidAlpha;
    }

    public float hardSigmoidBeta() {
        return hardSigmoidBeta;
    }

    /** Whether the LSTM input gate is multiplied by a further learned time gate. */
    public boolean hasTimeGate() {
        return timeGate;
    }

    /** True if the functions are the defaults of ONNX's operators (no {@code activations} attribute needed). */
    public boolean isStandardActivations() {
        return gate == Activation.SIGMOID && candidate == Activation.TANH && cellOutput == Activation.TANH;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CellVariant[gate=%s, candidate=%s, cellOutput=%s, hardSigmoid=(%s, %s), timeGate=%s]",
                gate, candidate, cellOutput, hardSigmoidAlpha, hardSigmoidBeta, timeGate);
    }

    /** Builds a variant; every setting is optional and defaults to the standard cell. */
    public static final class Builder {
        private Activation gate = Activation.SIGMOID;
        private Activation candidate = Activation.TANH;
        private Activation cellOutput = Activation.TANH;
        private float alpha = 0.2f;
        private float beta = 0.5f;
        private boolean timeGate;

        private Builder() {}

        public Builder optGateActivation(Activation activation) {
            this.gate = require(activation, "gate");
            return this;
        }

        public Builder optCandidateActivation(Activation activation) {
            this.candidate = require(activation, "candidate");
            return this;
        }

        public Builder optCellOutputActivation(Activation activation) {
            this.cellOutput = require(activation, "cell output");
            return this;
        }

        /** The slope and offset of every {@link Activation#HARD_SIGMOID}; default 0.2 and 0.5. */
        public Builder optHardSigmoid(float alpha, float beta) {
            if (!(alpha > 0) || !Float.isFinite(alpha) || !Float.isFinite(beta)) {
                throw new IllegalArgumentException("Hard sigmoid needs a positive finite alpha and a finite beta, got alpha="
                        + alpha + ", beta=" + beta);
            }
            this.alpha = alpha;
            this.beta = beta;
            return this;
        }

        /** LSTM only: a further learned gate on the input gate; ONNX cannot express it. */
        public Builder optTimeGate(boolean timeGate) {
            this.timeGate = timeGate;
            return this;
        }

        private static Activation require(Activation a, String what) {
            if (a == null) {
                throw new IllegalArgumentException("The " + what + " activation must not be null");
            }
            return a;
        }

        public CellVariant build() {
            return new CellVariant(this);
        }
    }
}
