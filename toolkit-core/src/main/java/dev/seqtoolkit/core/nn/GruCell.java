package dev.seqtoolkit.core.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * An explicit GRU cell, equal to DJL's fused GRU on both engines (cuDNN's formulation, as in
 * torch.nn.GRU and MXNet's RNN operator) with the default activations:
 *
 * <pre>
 *   gate blocks in DJL's order r (reset), z (update), n (candidate)
 *   r  = gate(W_ir x + b_ir + W_hr h + b_hr)
 *   z  = gate(W_iz x + b_iz + W_hz h + b_hz)
 *   n  = candidate(W_in x + b_in + r * (W_hn h + b_hn))   reset applied AFTER the h2h bias
 *   h' = (1 - z) * n + z * h                              z keeps the OLD state
 * </pre>
 *
 * <p>Note the textbook (seeds/003) writes {@code h' = (1 - z) h + z n} and applies the reset before
 * the matrix product ({@code W [r*h, x]}); DJL, PyTorch and MXNet do neither, and this cell follows
 * the engines so that weights copy 1:1. ONNX calls this {@code linear_before_reset = 1}.
 *
 * <p><b>Cost of {@link #step}</b>: one matrix product of {@code [x; h; 1]} against stacked weights
 * {@code (in+H+1, 4H)} whose columns are {@code [r,z | x-part of n | h-part of n]} (zero blocks keep
 * the two parts of n apart so the reset gate can multiply the h-part), and 11 engine calls in all
 * (concat, matMul, split, 2 gates, 3 for n, 3 for h'); +2 per hard-sigmoid activation.
 */
public final class GruCell extends RecurrentCell {

    GruCell(Builder builder) {
        super(builder.stateSize, builder.gateActivation, builder.candidateActivation);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CellType cellType() {
        return CellType.GRU;
    }

    @Override
    NDArray buildStacked(ParameterStore ps, NDManager tmp, Device device, boolean training) {
        NDArray wi = ps.getValue(i2hWeight, device, training); // (3H, in)
        NDArray wh = ps.getValue(h2hWeight, device, training); // (3H, H)
        NDArray bi = ps.getValue(i2hBias, device, training); // (3H)
        NDArray bh = ps.getValue(h2hBias, device, training); // (3H)
        long h = stateSize;
        long in = wi.getShape().get(1);
        NDArray wiT = keep(tmp, wi.transpose()); // (in, 3H) = [r z n]
        NDArray zerosIn = tmp.zeros(new Shape(in, h), wi.getDataType(), device);
        NDArray top = keep(tmp, NDArrays.concat(new NDList(wiT, zerosIn), 1)); // (in, 4H) [r z n 0]
        NDArray whT = keep(tmp, wh.transpose()); // (H, 3H)
        NDArray whRz = keep(tmp, whT.get(new NDIndex(":, 0:{}", 2 * h)));
        NDArray whN = keep(tmp, whT.get(new NDIndex(":, {}:", 2 * h)));
        NDArray zerosH = tmp.zeros(new Shape(h, h), wh.getDataType(), device);
        NDArray mid = keep(tmp, NDArrays.concat(new NDList(whRz, zerosH, whN), 1)); // (H, 4H) [r z 0 n]
        NDArray biRz = keep(tmp, bi.get(new NDIndex("0:{}", 2 * h)));
        NDArray bhRz = keep(tmp, bh.get(new NDIndex("0:{}", 2 * h)));
        NDArray rz = keep(tmp, biRz.add(bhRz));
        NDArray biN = keep(tmp, bi.get(new NDIndex("{}:", 2 * h)));
        NDArray bhN = keep(tmp, bh.get(new NDIndex("{}:", 2 * h)));
        NDArray bias = keep(tmp, NDArrays.concat(new NDList(rz, biN, bhN), 0));
        NDArray biasRow = keep(tmp, bias.reshape(1, 4 * h));
        return keep(tmp, NDArrays.concat(new NDList(top, mid, biasRow), 0)); // (in+H+1, 4H)
    }

    @Override
    public CellState step(StackedWeights weights, NDArray x, CellState state) {
        checkStep(weights, x, state);
        NDManager caller = x.getManager();
        try (NDManager scope = caller.newSubManager()) {
            NDArray proj = keep(scope, weights.project(x, state.h())); // (batch, 4H)
            NDList parts = proj.split(4, 1); // r, z, x-part of n, h-part of n
            NDArray r = gateActivation.apply(parts.get(0));
            NDArray z = gateActivation.apply(parts.get(1));
            NDArray n = candidateActivation.apply(parts.get(2).add(r.mul(parts.get(3))));
            // (1 - z) * n + z * h  ==  n - z * (n - h)
            NDArray h = n.sub(z.mul(n.sub(state.h())));
            h.attach(caller);
            return new CellState(h, null);
        }
    }

    /** Builds a {@link GruCell}; {@code setStateSize} is required. */
    public static final class Builder {
        private int stateSize;
        private GateActivation gateActivation = GateActivation.SIGMOID;
        private GateActivation candidateActivation = GateActivation.TANH;

        Builder() {}

        /** <b>Required</b>: hidden size H. */
        public Builder setStateSize(int stateSize) {
            this.stateSize = stateSize;
            return this;
        }

        /** Activation of the r and z gates; default sigmoid. */
        public Builder optGateActivation(GateActivation activation) {
            this.gateActivation = activation;
            return this;
        }

        /** Activation of the candidate n; default tanh. */
        public Builder optCandidateActivation(GateActivation activation) {
            this.candidateActivation = activation;
            return this;
        }

        public GruCell build() {
            if (gateActivation == null || candidateActivation == null) {
                throw new IllegalArgumentException("activations must not be null");
            }
            return new GruCell(this);
        }
    }
}
