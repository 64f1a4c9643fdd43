package dev.seqtoolkit.core.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * An explicit recurrent cell written from the gate equations, with parameters in DJL's fused layout
 * (same names and shapes as a single-layer unidirectional {@code ai.djl.nn.recurrent.LSTM}/{@code
 * GRU}), so weights copy 1:1 between a fused block and a cell.
 *
 * <p>Use: {@link #stackWeights} once, then {@link #step} per time step. NDList layout of {@link
 * #forward(ParameterStore, NDList, boolean)}: in {@code [x (batch, in), h (batch, H)]} plus {@code c
 * (batch, H)} for LSTM; out {@code [h', c' (LSTM only)]}, each {@code (batch, H)}; it re-stacks the
 * weights on every call, so prefer {@link #step} in loops.
 */
public abstract class RecurrentCell extends AbstractBlock {

    private static final byte VERSION = 1;

    protected final int stateSize;
    protected final GateActivation gateActivation;
    protected final GateActivation candidateActivation;
    protected final Parameter i2hWeight;
    protected final Parameter h2hWeight;
    protected final Parameter i2hBias;
    protected final Parameter h2hBias;

    RecurrentCell(int stateSize, GateActivation gateActivation, GateActivation candidateActivation) {
        super(VERSION);
        if (stateSize <= 0) {
            throw new IllegalArgumentException("setStateSize is required and must be > 0, got " + stateSize);
        }
        this.stateSize = stateSize;
        this.gateActivation = gateActivation;
        this.candidateActivation = candidateActivation;
        i2hWeight = addParameter(weight(RecurrentWeights.DJL_NAMES[0]));
        h2hWeight = addParameter(weight(RecurrentWeights.DJL_NAMES[1]));
        i2hBias = addParameter(bias(RecurrentWeights.DJL_NAMES[2]));
        h2hBias = addParameter(bias(RecurrentWeights.DJL_NAMES[3]));
    }

    static Parameter weight(String name) {
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
    }

    static Parameter bias(String name) {
        return Parameter.builder().setName(name).setType(Parameter.Type.BIAS).build();
    }

    /** LSTM or GRU; gives the number G of stacked gate blocks in the fused layout. */
    public abstract CellType cellType();

    public int stateSize() {
        return stateSize;
    }

    /** Input size, known once initialized. */
    public long inputSize() {
        return checkedArray(i2hWeight).getShape().get(1);
    }

    /** The live fused-layout parameter arrays. */
    public RecurrentWeights weights() {
        return new RecurrentWeights(
                checkedArray(i2hWeight), checkedArray(h2hWeight), checkedArray(i2hBias), checkedArray(h2hBias));
    }

    static NDArray checkedArray(Parameter p) {
        if (!p.isInitialized()) {
            throw new IllegalStateException("Parameter " + p.getName() + " is not initialized; initialize the cell first");
        }
        return p.getArray();
    }

    /** Sets parameter shapes from the input shape {@code (batch, in)}. */
    @Override
    public void prepare(Shape[] inputs) {
        Shape in = inputs[0];
        if (in.dimension() != 2) {
            throw new IllegalArgumentException("cell input must be (batch, in), got " + in);
        }
        long rows = (long) cellType().gates() * stateSize;
        i2hWeight.setShape(new Shape(rows, in.get(1)));
        h2hWeight.setShape(new Shape(rows, stateSize));
        i2hBias.setShape(new Shape(rows));
        h2hBias.setShape(new Shape(rows));
        prepareExtra(in.get(1));
    }

    /** Hook for extra parameters (the LSTM time gate). */
    void prepareExtra(long inputSize) {}

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape state = new Shape(inputs[0].get(0), stateSize);
        return cellType().hasCellState() ? new Shape[] {state, state} : new Shape[] {state};
    }

    /**
     * Stacks the parameters into one matrix for {@link #step}. Engine calls: about 6-12, once.
     *
     * @param manager where the stacked arrays live; close the result (or the manager) when done
     */
    public StackedWeights stackWeights(ParameterStore parameterStore, NDManager manager, Device device, boolean training) {
        try (NDManager tmp = manager.newSubManager()) {
            NDArray w = buildStacked(parameterStore, tmp, device, training);
            return new StackedWeights(w, inputSize(), stateSize).attach(manager);
        }
    }

    /** Builds {@code (in + H + 1, columns)} in {@code tmp}; every intermediate must end up in {@code tmp}. */
    abstract NDArray buildStacked(ParameterStore ps, NDManager tmp, Device device, boolean training);

    /**
     * One time step.
     *
     * @param weights from {@link #stackWeights}
     * @param x {@code (batch, in)}
     * @param state {@code h (batch, H)}, and {@code c (batch, H)} for LSTM
     * @return the new state, in {@code x}'s manager
     */
    public abstract CellState step(StackedWeights weights, NDArray x, CellState state);

    void checkStep(StackedWeights weights, NDArray x, CellState state) {
        Shape xs = x.getShape();
        if (xs.dimension() != 2 || xs.get(1) != weights.inputSize()) {
            throw new IllegalArgumentException("x must be (batch, " + weights.inputSize() + "), got " + xs);
        }
        Shape expected = new Shape(xs.get(0), stateSize);
        if (!state.h().getShape().equals(expected)) {
            throw new IllegalArgumentException("h must be " + expected + " (batch, hidden), got " + state.h().getShape());
        }
        if (cellType().hasCellState() && state.c() == null) {
            throw new IllegalArgumentException("LSTM step needs a cell state c " + expected);
        }
        if (!cellType().hasCellState() && state.c() != null) {
            throw new IllegalArgumentException("GRU step takes no cell state, got c " + state.c().getShape());
        }
    }

    static NDArray keep(NDManager manager, NDArray array) {
        array.attach(manager);
        return array;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        int expected = cellType().hasCellState() ? 3 : 2;
        if (inputs.size() != expected) {
            throw new IllegalArgumentException(
                    cellType() + " cell expects " + expected + " arrays [x, h" + (expected == 3 ? ", c]" : "]")
                            + ", got " + inputs.size());
        }
        NDArray x = inputs.get(0);
        CellState state = new CellState(inputs.get(1), expected == 3 ? inputs.get(2) : null);
        try (StackedWeights w = stackWeights(parameterStore, x.getManager(), x.getDevice(), training)) {
            return step(w, x, state).toList();
        }
    }
}
