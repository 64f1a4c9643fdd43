package dev.seqtoolkit.core.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * An explicit LSTM cell, equal to DJL's fused LSTM (and torch.nn.LSTM) with the default activations:
 *
 * <pre>
 *   [i, f, g, o] = [x; h] W^T + b_i2h + b_h2h       gate blocks in DJL's order i, f, g, o
 *   i = gate(i)   f = gate(f)   o = gate(o)          gate activation, default sigmoid
 *   g = candidate(g)                                 candidate activation, default tanh
 *   i = i * gate(W_t x + U_t h + b_t)                only with the time gate (see below)
 *   c' = f * c + i * g
 *   h' = o * cellAct(c')                             cell activation, default tanh
 * </pre>
 *
 * <p><b>Time gate</b> (the textbook's "time-gated LSTM", seeds/000 section 3.3.2): a further gate
 * {@code T = gate(W_t x + U_t h + b_t)} that multiplies the input gate, so that {@code i * T} decides
 * how much of the candidate is written. The chapter's sketch computes it from the input alone
 * ({@code sigmoid(Dense(x))}); here it also sees the previous hidden state like the other gates —
 * {@code U_t = 0} recovers the chapter's form. Its parameters are extra, outside the fused layout:
 * {@code time_i2h_WEIGHT (H, in)}, {@code time_h2h_WEIGHT (H, H)}, {@code time_BIAS (H)}.
 *
 * <p><b>Cost of {@link #step}</b>: one matrix product of {@code [x; h; 1]} {@code (batch, in+H+1)}
 * against the stacked {@code (in+H+1, 4H)} (5H with the time gate) weights, and 12 engine calls in
 * all with sigmoid/tanh (concat, matMul, split, 4 activations, 3 for {@code c'}, 2 for {@code h'});
 * +2 with the time gate, +2 per hard-sigmoid activation.
 */
public final class LstmCell extends RecurrentCell {

    private final GateActivation cellActivation;
    private final boolean timeGate;
    private final Parameter timeI2h;
    private final Parameter timeH2h;
    private final Parameter timeBias;

    LstmCell(Builder builder) {
        super(builder.stateSize, builder.gateActivation, builder.candidateActivation);
        cellActivation = builder.cellActivation;
        timeGate = builder.timeGate;
        if (timeGate) {
            timeI2h = addParameter(weight("time_i2h_WEIGHT"));
            timeH2h = addParameter(weight("time_h2h_WEIGHT"));
            timeBias = addParameter(bias("time_BIAS"));
        } else {
            timeI2h = timeH2h = timeBias = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CellType cellType() {
        return CellType.LSTM;
    }

    public boolean hasTimeGate() {
        return timeGate;
    }

    /**
     * The live time-gate arrays {@code [time_i2h_WEIGHT (H, in), time_h2h_WEIGHT (H, H), time_BIAS
     * (H)]}.
     *
     * @throws IllegalStateException if the cell has no time gate
     */
    public NDArray[] timeGateWeights() {
        if (!timeGate) {
            throw new IllegalStateException("this LSTM cell has no time gate");
        }
        return new NDArray[] {checkedArray(timeI2h), checkedArray(timeH2h), checkedArray(timeBias)};
    }

    @Override
    void prepareExtra(long inputSize) {
        if (timeGate) {
            timeI2h.setShape(new Shape(stateSize, inputSize));
            timeH2h.setShape(new Shape(stateSize, stateSize));
            timeBias.setShape(new Shape(stateSize));
        }
    }

    @Override
    NDArray buildStacked(ParameterStore ps, NDManager tmp, Device device, boolean training) {
        NDArray w = stack(ps, tmp, device, training, i2hWeight, h2hWeight, i2hBias, h2hBias);
        if (!timeGate) {
            return w;
        }
        NDArray t = stack(ps, tmp, device, training, timeI2h, timeH2h, timeBias, null);
        return keep(tmp, NDArrays.concat(new NDList(w, t), 1)); // (in+H+1, 5H)
    }

    /** {@code [wi^T; wh^T; (bi + bh)]}, shape {@code (in + H + 1, rows)}. */
    private static NDArray stack(ParameterStore ps, NDManager tmp, Device device, boolean training,
            Parameter wiP, Parameter whP, Parameter biP, Parameter bhP) {
        NDArray wi = ps.getValue(wiP, device, training);
        NDArray wh = ps.getValue(whP, device, training);
        NDArray bi = ps.getValue(biP, device, training);
        long rows = wi.getShape().get(0);
        NDArray wiT = keep(tmp, wi.transpose());
        NDArray whT = keep(tmp, wh.transpose());
        NDArray bias = bhP == null ? bi : keep(tmp, bi.add(ps.getValue(bhP, device, training)));
        NDArray biasRow = keep(tmp, bias.reshape(1, rows));
        return keep(tmp, NDArrays.concat(new NDList(wiT, whT, biasRow), 0));
    }

    @Override
    public CellState step(StackedWeights weights, NDArray x, CellState state) {
        checkStep(weights, x, state);
        NDManager caller = x.getManager();
        try (NDManager scope = caller.newSubManager()) {
            NDArray z = keep(scope, weights.project(x, state.h())); // (batch, 4H or 5H)
            NDList parts = z.split(timeGate ? 5 : 4, 1);
            NDArray i = gateActivation.apply(parts.get(0));
            NDArray f = gateActivation.apply(parts.get(1));
            NDArray g = candidateActivation.apply(parts.get(2));
            NDArray o = gateActivation.apply(parts.get(3));
            if (timeGate) {
                i = i.mul(gateActivation.apply(parts.get(4)));
            }
            NDArray c = f.mul(state.c()).add(i.mul(g));
            NDArray h = o.mul(cellActivation.apply(c));
            h.attach(caller);
            c.attach(caller);
            return new CellState(h, c);
        }
    }

    /** Builds an {@link LstmCell}; {@code setStateSize} is required. */
    public static final class Builder {
        private int stateSize;
        private GateActivation gateActivation = GateActivation.SIGMOID;
        private GateActivation candidateActivation = GateActivation.TANH;
        private GateActivation cellActivation = GateActivation.TANH;
        private boolean timeGate;

        Builder() {}

        /** <b>Required</b>: hidden size H. */
        public Builder setStateSize(int stateSize) {
            this.stateSize = stateSize;
            return this;
        }

        /** Activation of the i, f, o (and time) gates; default sigmoid. */
        public Builder optGateActivation(GateActivation activation) {
            this.gateActivation = activation;
            return this;
        }

        /** Activation of the candidate g; default tanh. */
        public Builder optCandidateActivation(GateActivation activation) {
            this.candidateActivation = activation;
            return this;
        }

        /** Activation applied to {@code c'} before the output gate; default tanh. */
        public Builder optCellActivation(GateActivation activation) {
            this.cellActivation = activation;
            return this;
        }

        /** Adds the time gate on the input gate; default off. */
        public Builder optTimeGate(boolean timeGate) {
            this.timeGate = timeGate;
            return this;
        }

        public LstmCell build() {
            if (gateActivation == null || candidateActivation == null || cellActivation == null) {
                throw new IllegalArgumentException("activations must not be null");
            }
            return new LstmCell(this);
        }
    }
}
