package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.recurrent.GRU;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.nn.recurrent.RecurrentBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Stacked, optionally bidirectional LSTM or GRU over DJL's fused kernels, with torch.nn.LSTM's
 * surface, batch-first.
 *
 * <p>Every layer and direction is its own single-layer, unidirectional fused DJL block ({@link LSTM}
 * or {@link GRU}), because DJL's bidirectional fused block registers parameters in an order libtorch
 * does not accept. The backward block reads each sequence reversed within its own length (padding
 * stays at the end) and its output is reversed back; layer {@code l+1} reads the concatenation
 * {@code [forward; backward]} of layer {@code l}'s outputs.
 *
 * <p><b>Lengths.</b> With no lengths, or all lengths equal to the time dimension, each layer and
 * direction is one fused call (the fast path). Otherwise rows are ordered by decreasing length and the
 * fused kernel runs segment by segment over the distinct lengths (time {@code [0, L1)} for all rows,
 * then {@code [L1, L2)} for the rows longer than {@code L1} with the carried state, ...), which gives
 * PyTorch's {@code pack_padded_sequence} semantics exactly: final states at each row's last valid step
 * and zero outputs at padded positions. The cost is one fused call per distinct length.
 *
 * <p><b>Parameters.</b> Child blocks are named {@code layer{l}_forward} and {@code layer{l}_backward}
 * (DJL prefixes a two-digit position: {@code 01layer0_forward}, {@code 02layer0_backward}, ...), each
 * holding DJL's {@code l_0_i2h_WEIGHT (G*H, in)}, {@code l_0_h2h_WEIGHT (G*H, H)}, {@code
 * l_0_i2h_BIAS (G*H)}, {@code l_0_h2h_BIAS (G*H)}; gates i,f,g,o (LSTM) or r,z,n (GRU, see {@link
 * CellType}). {@link #weights(int, int)} returns them.
 *
 * <p><b>NDList layout of {@link #forward(ParameterStore, NDList, boolean)}.</b> In: {@code [input
 * (batch, time, in)]}, optionally followed by {@code lengths (batch)} (rank 1), optionally followed
 * by {@code h0 (layers*dirs, batch, H)} and, for LSTM, {@code c0} (same shape). Out: {@code [output
 * (batch, time, dirs*H), h (layers*dirs, batch, H)]} plus {@code c} for LSTM. The caller's list is
 * never modified.
 *
 * <p><b>Engines.</b> On MXNet a forward with {@code training = true} must run inside a {@code
 * GradientCollector}.
 */
public final class RecurrentEncoder extends AbstractBlock implements SequenceEncoder {

    private static final byte VERSION = 1;

    private final CellType cellType;
    private final int stateSize;
    private final int numLayers;
    private final boolean bidirectional;
    private final float dropRate;
    private final RecurrentBlock[][] cells;

    RecurrentEncoder(Builder builder) {
        super(VERSION);
        cellType = builder.cellType;
        stateSize = builder.stateSize;
        numLayers = builder.numLayers;
        bidirectional = builder.bidirectional;
        dropRate = builder.dropRate;
        int dirs = numDirections();
        cells = new RecurrentBlock[numLayers][dirs];
        for (int l = 0; l < numLayers; l++) {
            for (int d = 0; d < dirs; d++) {
                cells[l][d] = addChildBlock(childName(l, d), newFusedBlock());
            }
        }
    }

    /** The name given to the child block of a layer and direction (before DJL's position prefix). */
    public static String childName(int layer, int direction) {
        return "layer" + layer + (direction == 0 ? "_forward" : "_backward");
    }

    private RecurrentBlock newFusedBlock() {
        if (cellType == CellType.LSTM) {
            return LSTM.builder()
                    .setStateSize(stateSize)
                    .setNumLayers(1)
                    .optBatchFirst(true)
                    .optReturnState(true)
                    .build();
        }
        return GRU.builder()
                .setStateSize(stateSize)
                .setNumLayers(1)
                .optBatchFirst(true)
                .optReturnState(true)
                .build();
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

    /** The between-layer dropout rate (training only). */
    public float dropRate() {
        return dropRate;
    }

    @Override
    public RecurrentWeights weights(int layer, int direction) {
        checkLayerDirection(layer, direction);
        PairList<String, Parameter> params = cells[layer][direction].getDirectParameters();
        NDArray[] arrays = new NDArray[RecurrentWeights.DJL_NAMES.length];
        for (int i = 0; i < arrays.length; i++) {
            Parameter p = params.get(RecurrentWeights.DJL_NAMES[i]);
            if (p == null || !p.isInitialized()) {
                throw new IllegalStateException(
                        "Parameter " + childName(layer, direction) + "." + RecurrentWeights.DJL_NAMES[i]
                                + " is not initialized; initialize the encoder first");
            }
            arrays[i] = p.getArray();
        }
        return new RecurrentWeights(arrays[0], arrays[1], arrays[2], arrays[3]);
    }

    private void checkLayerDirection(int layer, int direction) {
        if (layer < 0 || layer >= numLayers || direction < 0 || direction >= numDirections()) {
            throw new IndexOutOfBoundsException(
                    "layer " + layer + ", direction " + direction + " outside " + numLayers
                            + " layers x " + numDirections() + " directions");
        }
    }

    /** {@inheritDoc} Input shapes: {@code [(batch, time, in), ...]} as in the NDList layout. */
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
            for (RecurrentBlock cell : cells[l]) {
                cell.initialize(manager, dataType, new Shape(in.get(0), in.get(1), size));
            }
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        Parsed parsed = Parsed.of(inputs, cellType);
        return forward(parameterStore, parsed.input, parsed.lengths, parsed.initial, training).toList();
    }

    /** Splits the NDList layout into input, lengths and initial state (shared with the explicit encoder). */
    record Parsed(NDArray input, NDArray lengths, RecurrentState initial) {
        static Parsed of(NDList inputs, CellType cellType) {
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("expected [input, (lengths), (h0, c0)], got an empty list");
            }
            int i = 1;
            NDArray lengths = null;
            if (inputs.size() > i && inputs.get(i).getShape().dimension() == 1) {
                lengths = inputs.get(i++);
            }
            RecurrentState initial = null;
            int remaining = inputs.size() - i;
            int expected = cellType.hasCellState() ? 2 : 1;
            if (remaining == expected) {
                initial = new RecurrentState(inputs.get(i), cellType.hasCellState() ? inputs.get(i + 1) : null);
            } else if (remaining != 0) {
                throw new IllegalArgumentException(
                        "expected [input, (lengths), " + (expected == 2 ? "(h0, c0)" : "(h0)")
                                + "], got shapes " + inputs.getShapes().length + " arrays " + describe(inputs));
            }
            return new Parsed(inputs.get(0), lengths, initial);
        }

        private static String describe(NDList list) {
            StringBuilder sb = new StringBuilder();
            for (Shape s : list.getShapes()) {
                sb.append(s);
            }
            return sb.toString();
        }
    }

    @Override
    public RecurrentOutput forward(
            ParameterStore parameterStore,
            NDArray input,
            NDArray lengths,
            RecurrentState initial,
            boolean training) {
        long inputSize = weights(0, 0).i2hWeight().getShape().get(1);
        checkInputs(input, initial, inputSize, cellType, numLayers, numDirections(), stateSize);
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
            boolean sort = !plan.isFull() && !plan.isIdentityOrder();
            NDArray x = sort ? plan.sortRows(input, 0) : input;
            NDArray h0All = initial == null ? null : sort ? plan.sortRows(initial.h(), 1) : initial.h();
            NDArray c0All =
                    initial == null || initial.c() == null
                            ? null
                            : sort ? plan.sortRows(initial.c(), 1) : initial.c();
            int dirs = numDirections();
            NDList finalH = new NDList();
            NDList finalC = new NDList();
            for (int l = 0; l < numLayers; l++) {
                NDList dirOutputs = new NDList();
                for (int d = 0; d < dirs; d++) {
                    int k = l * dirs + d;
                    NDArray h0 =
                            h0All == null
                                    ? scope.zeros(new Shape(1, batch, stateSize), x.getDataType(), x.getDevice())
                                    : h0All.get(new NDIndex("{}:{}", k, k + 1));
                    NDArray c0 = null;
                    if (cellType.hasCellState()) {
                        c0 =
                                c0All == null
                                        ? scope.zeros(new Shape(1, batch, stateSize), x.getDataType(), x.getDevice())
                                        : c0All.get(new NDIndex("{}:{}", k, k + 1));
                    }
                    NDArray xin = d == 0 ? x : plan.reverseSorted(x);
                    NDList result = runDirection(parameterStore, cells[l][d], xin, h0, c0, plan, training);
                    NDArray out = d == 0 ? result.get(0) : plan.reverseSorted(result.get(0));
                    dirOutputs.add(out);
                    finalH.add(result.get(1));
                    if (cellType.hasCellState()) {
                        finalC.add(result.get(2));
                    }
                }
                x = dirs == 1 ? dirOutputs.get(0) : NDArrays.concat(dirOutputs, 2);
                if (training && dropRate > 0 && l < numLayers - 1) {
                    x = Dropout.dropout(x, dropRate, true).singletonOrThrow();
                }
            }
            NDArray h = NdOps.concat(finalH, 0); // (layers*dirs, batch, H), sorted rows
            NDArray c = cellType.hasCellState() ? NdOps.concat(finalC, 0) : null;
            if (sort) {
                x = plan.unsortRows(x, 0);
                h = plan.unsortRows(h, 1);
                c = c == null ? null : plan.unsortRows(c, 1);
            }
            x.attach(caller);
            h.attach(caller);
            if (c != null) {
                c.attach(caller);
            }
            return new RecurrentOutput(x, new RecurrentState(h, c));
        }
    }

    /**
     * Runs one fused single-layer block over rows in sorted order.
     *
     * @param x {@code (batch, time, in)}, rows by decreasing length
     * @param h0 {@code (1, batch, H)}
     * @param c0 {@code (1, batch, H)} or null (GRU)
     * @return {@code [out (batch, time, H), h (1, batch, H), c (1, batch, H) for LSTM]}
     */
    private NDList runDirection(
            ParameterStore ps,
            RecurrentBlock block,
            NDArray x,
            NDArray h0,
            NDArray c0,
            SequencePlan plan,
            boolean training) {
        if (plan.isFull()) {
            NDList in = c0 == null ? new NDList(x, h0) : new NDList(x, h0, c0);
            return block.forward(ps, in, training);
        }
        long batch = plan.batch();
        long time = plan.time();
        List<SequencePlan.Segment> segments = plan.segments();
        NDList outs = new NDList();
        List<NDArray> doneH = new ArrayList<>();
        List<NDArray> doneC = new ArrayList<>();
        NDArray h = h0;
        NDArray c = c0;
        long lastEnd = 0;
        for (int j = 0; j < segments.size(); j++) {
            SequencePlan.Segment seg = segments.get(j);
            long rows = seg.rows();
            NDArray xs = x.get(new NDIndex("0:{}, {}:{}", rows, seg.start(), seg.end()));
            NDArray hs = h.getShape().get(1) == rows ? h : h.get(new NDIndex(":, 0:{}", rows));
            NDList in = new NDList(xs, hs);
            if (c != null) {
                in.add(c.getShape().get(1) == rows ? c : c.get(new NDIndex(":, 0:{}", rows)));
            }
            NDList result = block.forward(ps, in, training);
            NDArray out = result.get(0); // (rows, end-start, H)
            if (rows < batch) {
                NDArray pad =
                        out.getManager()
                                .zeros(new Shape(batch - rows, seg.end() - seg.start(), stateSize),
                                        out.getDataType(), out.getDevice());
                out = NDArrays.concat(new NDList(out, pad), 0);
            }
            outs.add(out);
            long nextRows = j + 1 < segments.size() ? segments.get(j + 1).rows() : 0;
            // rows [nextRows, rows) end here: their state is final
            doneH.add(result.get(1).get(new NDIndex(":, {}:{}", nextRows, rows)));
            h = result.get(1);
            if (c != null) {
                doneC.add(result.get(2).get(new NDIndex(":, {}:{}", nextRows, rows)));
                c = result.get(2);
            }
            lastEnd = seg.end();
        }
        if (lastEnd < time) {
            outs.add(x.getManager().zeros(new Shape(batch, time - lastEnd, stateSize), x.getDataType(), x.getDevice()));
        }
        NDArray out = NdOps.concat(outs, 1);
        // sorted order: the longest rows finished last
        Collections.reverse(doneH);
        Collections.reverse(doneC);
        NDList result = new NDList(out, NdOps.concat(new NDList(doneH), 1));
        if (c0 != null) {
            result.add(NdOps.concat(new NDList(doneC), 1));
        }
        return result;
    }

    /** Checks input and initial-state shapes against the configuration; messages carry actual shapes. */
    static void checkInputs(
            NDArray input,
            RecurrentState initial,
            long inputSize,
            CellType cellType,
            int numLayers,
            int dirs,
            int stateSize) {
        Shape shape = input.getShape();
        if (shape.dimension() != 3 || shape.get(2) != inputSize) {
            throw new IllegalArgumentException(
                    "input must be (batch, time, " + inputSize + "), got " + shape);
        }
        if (shape.get(1) < 1 || shape.get(0) < 1) {
            throw new IllegalArgumentException("input must have batch >= 1 and time >= 1, got " + shape);
        }
        if (initial != null) {
            Shape expected = new Shape((long) numLayers * dirs, shape.get(0), stateSize);
            if (!initial.h().getShape().equals(expected)) {
                throw new IllegalArgumentException(
                        "initial h must be (layers*dirs, batch, hidden) = " + expected + ", got "
                                + initial.h().getShape());
            }
            if (cellType.hasCellState() != initial.hasCell()) {
                throw new IllegalArgumentException(
                        cellType + (cellType.hasCellState() ? " needs" : " takes no")
                                + " initial cell state c");
            }
        }
    }

    /** Builds a {@link RecurrentEncoder}: {@code setCellType}, {@code setStateSize}, {@code setNumLayers} required. */
    public static final class Builder {
        private CellType cellType;
        private int stateSize;
        private int numLayers;
        private boolean bidirectional;
        private float dropRate;

        Builder() {}

        /** <b>Required</b>: LSTM or GRU. */
        public Builder setCellType(CellType cellType) {
            this.cellType = cellType;
            return this;
        }

        /** <b>Required</b>: hidden size H of every layer and direction. */
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

        /** Optional, default 0: dropout on every layer's output except the last, in training only. */
        public Builder optDropRate(float dropRate) {
            this.dropRate = dropRate;
            return this;
        }

        public RecurrentEncoder build() {
            validate(cellType, stateSize, numLayers, dropRate);
            return new RecurrentEncoder(this);
        }

        static void validate(CellType cellType, int stateSize, int numLayers, float dropRate) {
            if (cellType == null) {
                throw new IllegalArgumentException("setCellType is required");
            }
            if (stateSize <= 0) {
                throw new IllegalArgumentException("setStateSize is required and must be > 0, got " + stateSize);
            }
            if (numLayers <= 0) {
                throw new IllegalArgumentException("setNumLayers is required and must be > 0, got " + numLayers);
            }
            if (!(dropRate >= 0 && dropRate < 1)) {
                throw new IllegalArgumentException("dropRate must be in [0, 1), got " + dropRate);
            }
        }
    }
}
