package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import dev.seqtoolkit.core.engine.HostArrays;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The same encoder as {@link RecurrentEncoder} — same builder, API, NDList layout, lengths semantics
 * and parameter names ({@code 01layer0_forward_l_0_i2h_WEIGHT}, ...) — but unrolled step by step
 * over explicit {@link LstmCell}s / {@link GruCell}s, so that gate variants (other activations, the
 * LSTM time gate) can be used. With the default activations and no time gate it reproduces the fused
 * encoder to float rounding, and parameters saved from one load into the other.
 *
 * <p>Why a separate class rather than an option of {@link RecurrentEncoder}: the two differ in what
 * they register (the time gate adds parameters a fused kernel has no place for), in cost (one fused
 * call per layer and direction against about 12 engine calls per time step) and in what they can be
 * exported as; keeping the fused class free of variant branches keeps its fast path obvious, while
 * {@link SequenceEncoder} lets callers take either.
 *
 * <p>Lengths: every row steps every time position; after a row's end its state is held ({@code h =
 * m*h' + (1-m)*h}, exact for a 0/1 mask) and its output is zero. The backward direction reads each
 * row reversed within its length, as in the fused encoder. Each step costs the cell's calls, plus
 * one to take {@code x_t}, plus 5 (LSTM 8) for masking when lengths differ.
 */
public final class ExplicitRecurrentEncoder extends AbstractBlock implements SequenceEncoder {

    private static final byte VERSION = 1;

    private final CellType cellType;
    private final int stateSize;
    private final int numLayers;
    private final boolean bidirectional;
    private final float dropRate;
    private final RecurrentCell[][] cells;

    ExplicitRecurrentEncoder(Builder builder) {
        super(VERSION);
        cellType = builder.cellType;
        stateSize = builder.stateSize;
        numLayers = builder.numLayers;
        bidirectional = builder.bidirectional;
        dropRate = builder.dropRate;
        int dirs = numDirections();
        cells = new RecurrentCell[numLayers][dirs];
        for (int l = 0; l < numLayers; l++) {
            for (int d = 0; d < dirs; d++) {
                RecurrentCell cell =
                        cellType == CellType.LSTM
                                ? LstmCell.builder()
                                        .setStateSize(stateSize)
                                        .optGateActivation(builder.gateActivation)
                                        .optCandidateActivation(builder.candidateActivation)
                                        .optCellActivation(builder.cellActivation)
                                        .optTimeGate(builder.timeGate)
                                        .build()
                                : GruCell.builder()
                                        .setStateSize(stateSize)
                                        .optGateActivation(builder.gateActivation)
                                        .optCandidateActivation(builder.candidateActivation)
                                        .build();
                cells[l][d] = addChildBlock(RecurrentEncoder.childName(l, d), cell);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CellType cellType() {
        return cellType;
    }

    @Override
    public int stateSize() {
        return stateSize;
    }

    @Override
    public int numLayers() {
        return numLayers;
    }

    @Override
    public int numDirections() {
        return bidirectional ? 2 : 1;
    }

    /** The cell of a layer and direction (0 forward, 1 backward). */
    public RecurrentCell cell(int layer, int direction) {
        if (layer < 0 || layer >= numLayers || direction < 0 || direction >= numDirections()) {
            throw new IndexOutOfBoundsException(
                    "layer " + layer + ", direction " + direction + " outside " + numLayers + " layers x "
                            + numDirections() + " directions");
        }
        return cells[layer][direction];
    }

    @Override
    public RecurrentWeights weights(int layer, int direction) {
        return cell(layer, direction).weights();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        Shape out = new Shape(in.get(0), in.get(1), (long) stateSize * numDirections());
        Shape state = new Shape((long) numLayers * numDirections(), in.get(0), stateSize);
        return cellType.hasCellState() ? new Shape[] {out, state, state} : new Shape[] {out, state};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        if (in.dimension() != 3) {
            throw new IllegalArgumentException("input must be (batch, time, in), got " + in);
        }
        for (int l = 0; l < numLayers; l++) {
            long size = l == 0 ? in.get(2) : (long) stateSize * numDirections();
            for (RecurrentCell cell : cells[l]) {
                cell.initialize(manager, dataType, new Shape(in.get(0), size));
            }
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        RecurrentEncoder.Parsed parsed = RecurrentEncoder.Parsed.of(inputs, cellType);
        return forward(parameterStore, parsed.input(), parsed.lengths(), parsed.initial(), training).toList();
    }

    @Override
    public RecurrentOutput forward(
            ParameterStore parameterStore, NDArray input, NDArray lengths, RecurrentState initial, boolean training) {
        RecurrentEncoder.checkInputs(
                input, initial, cells[0][0].inputSize(), cellType, numLayers, numDirections(), stateSize);
        Shape shape = input.getShape();
        long batch = shape.get(0);
        long time = shape.get(1);
        SequencePlan plan = SequencePlan.of(lengths, batch, time);
        NDManager caller = input.getManager();
        try (NDManager scope = caller.newSubManager()) {
            input.tempAttach(scope);
            if (initial != null) {
                initial.h().tempAttach(scope);
                if (initial.c() != null) {
                    initial.c().tempAttach(scope);
                }
            }
            NDArray[] mask = null; // per time: (batch, 1) valid mask and its complement
            NDArray[] keepOld = null;
            if (!plan.isFull()) {
                // autograd reads the mask in the backward pass after this scope closes
                NDArray m = HostArrays.owned(scope, plan.timeMajorMask(), new Shape(time, batch, 1))
                        .toType(input.getDataType(), false);
                NDArray notM = m.neg().add(1f);
                mask = new NDArray[(int) time];
                keepOld = new NDArray[(int) time];
                for (int t = 0; t < time; t++) {
                    mask[t] = m.get(t);
                    keepOld[t] = notM.get(t);
                }
            }
            int dirs = numDirections();
            NDArray x = input;
            NDList finalH = new NDList();
            NDList finalC = new NDList();
            for (int l = 0; l < numLayers; l++) {
                NDList dirOutputs = new NDList();
                for (int d = 0; d < dirs; d++) {
                    int k = l * dirs + d;
                    RecurrentCell cell = cells[l][d];
                    NDArray h = initial == null
                            ? scope.zeros(new Shape(batch, stateSize), x.getDataType(), x.getDevice())
                            : initial.h().get(k);
                    NDArray c = null;
                    if (cellType.hasCellState()) {
                        c = initial == null
                                ? scope.zeros(new Shape(batch, stateSize), x.getDataType(), x.getDevice())
                                : initial.c().get(k);
                    }
                    NDArray xin = d == 0 ? x : plan.reverseOriginal(x);
                    NDArray timeMajor = xin.swapAxes(0, 1); // (time, batch, C)
                    StackedWeights w = cell.stackWeights(parameterStore, scope, x.getDevice(), training);
                    NDList outs = new NDList();
                    for (int t = 0; t < time; t++) {
                        CellState next = cell.step(w, timeMajor.get(t), new CellState(h, c));
                        if (mask == null) {
                            h = next.h();
                            c = next.c();
                            outs.add(h);
                        } else {
                            NDArray out = next.h().mul(mask[t]);
                            outs.add(out);
                            h = out.add(h.mul(keepOld[t]));
                            if (c != null) {
                                c = next.c().mul(mask[t]).add(c.mul(keepOld[t]));
                            }
                        }
                    }
                    NDArray out = NDArrays.stack(outs, 1); // (batch, time, H)
                    dirOutputs.add(d == 0 ? out : plan.reverseOriginal(out));
                    finalH.add(h);
                    if (c != null) {
                        finalC.add(c);
                    }
                }
                x = dirs == 1 ? dirOutputs.get(0) : NDArrays.concat(dirOutputs, 2);
                if (training && dropRate > 0 && l < numLayers - 1) {
                    x = Dropout.dropout(x, dropRate, true).singletonOrThrow();
                }
            }
            NDArray hAll = NDArrays.stack(finalH, 0); // (layers*dirs, batch, H)
            NDArray cAll = cellType.hasCellState() ? NDArrays.stack(finalC, 0) : null;
            x.attach(caller);
            hAll.attach(caller);
            if (cAll != null) {
                cAll.attach(caller);
            }
            return new RecurrentOutput(x, new RecurrentState(hAll, cAll));
        }
    }

    /**
     * Builds an {@link ExplicitRecurrentEncoder}: {@code setCellType}, {@code setStateSize}, {@code
     * setNumLayers} required; variants optional.
     */
    public static final class Builder {
        private CellType cellType;
        private int stateSize;
        private int numLayers;
        private boolean bidirectional;
        private float dropRate;
        private GateActivation gateActivation = GateActivation.SIGMOID;
        private GateActivation candidateActivation = GateActivation.TANH;
        private GateActivation cellActivation;
        private boolean timeGate;

        Builder() {}

        /** <b>Required</b>: LSTM or GRU. */
        public Builder setCellType(CellType cellType) {
            this.cellType = cellType;
            return this;
        }

        /** <b>Required</b>: hidden size H. */
        public Builder setStateSize(int stateSize) {
            this.stateSize = stateSize;
            return this;
        }

        /** <b>Required</b>: number of stacked layers. */
        public Builder setNumLayers(int numLayers) {
            this.numLayers = numLayers;
            return this;
        }

        /** Optional, default false. */
        public Builder optBidirectional(boolean bidirectional) {
            this.bidirectional = bidirectional;
            return this;
        }

        /** Optional, default 0: dropout between layers, training only. */
        public Builder optDropRate(float dropRate) {
            this.dropRate = dropRate;
            return this;
        }

        /** Gate activation (LSTM i, f, o, time; GRU r, z); default sigmoid. */
        public Builder optGateActivation(GateActivation activation) {
            this.gateActivation = activation;
            return this;
        }

        /** Candidate activation (LSTM g, GRU n); default tanh. */
        public Builder optCandidateActivation(GateActivation activation) {
            this.candidateActivation = activation;
            return this;
        }

        /** LSTM only: activation of {@code c'} before the output gate; default tanh. */
        public Builder optCellActivation(GateActivation activation) {
            this.cellActivation = activation;
            return this;
        }

        /** LSTM only: the textbook's time gate on the input gate (see {@link LstmCell}); default off. */
        public Builder optTimeGate(boolean timeGate) {
            this.timeGate = timeGate;
            return this;
        }

        public ExplicitRecurrentEncoder build() {
            RecurrentEncoder.Builder.validate(cellType, stateSize, numLayers, dropRate);
            if (gateActivation == null || candidateActivation == null) {
                throw new IllegalArgumentException("activations must not be null");
            }
            if (cellType == CellType.GRU && (timeGate || cellActivation != null)) {
                throw new IllegalArgumentException(
                        "GRU has no input gate or cell state: optTimeGate and optCellActivation are LSTM-only");
            }
            if (cellActivation == null) {
                cellActivation = GateActivation.TANH;
            }
            return new ExplicitRecurrentEncoder(this);
        }
    }
}
