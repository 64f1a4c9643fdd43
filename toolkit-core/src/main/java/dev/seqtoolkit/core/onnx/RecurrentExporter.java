package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.RecurrentEncoder;
import dev.seqtoolkit.core.nn.RecurrentWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Emits a stack of LSTM or GRU layers, given in DJL's fused layout, as ONNX {@code LSTM} /
 * {@code GRU} nodes.
 *
 * <p>Mapping: LSTM gate blocks i, f, g, o become ONNX's i, o, f, c; GRU blocks r, z, n become
 * z, r, h with {@code linear_before_reset = 1} (DJL's {@code n = tanh(W_in x + b_in + r * (W_hn h +
 * b_hn))}). Per layer, {@code W (dirs, G*H, in)}, {@code R (dirs, G*H, H)} and {@code B (dirs,
 * 2*G*H) = [b_i2h; b_h2h]}. ONNX recurrent operators are time-major, so the batch-first input
 * {@code (batch, time, in)} is transposed to {@code (time, batch, in)} once and the output back at the
 * end; between layers the {@code (time, dirs, batch, H)} output becomes {@code (time, batch,
 * dirs*H)} with forward features first. Initial and final states are {@code (layers*dirs, batch, H)},
 * layer-major (row {@code l*dirs + d} is layer l, direction d; backward is d = 1), as in PyTorch.
 *
 * <p>Immutable; one exporter may emit into many graphs.
 */
public final class RecurrentExporter {
    /** Graph input and output names used by {@link #toModel(boolean, boolean)}. */
    public static final String INPUT = "input";
    public static final String SEQUENCE_LENGTHS = "sequence_lens";
    public static final String INITIAL_HIDDEN = "h0";
    public static final String INITIAL_CELL = "c0";
    public static final String OUTPUT = "output";
    public static final String FINAL_HIDDEN = "hn";
    public static final String FINAL_CELL = "cn";

    private static final int[] LSTM_TO_ONNX = {0, 3, 1, 2}; // i f g o -> i o f c
    private static final int[] GRU_TO_ONNX = {1, 0, 2}; // r z n -> z r h

    private final Cell cell;
    private final CellVariant variant;
    private final List<FusedRecurrentWeights[]> layers;
    private final int directions;

    private RecurrentExporter(Builder b) {
        this.cell = b.cell;
        this.variant = b.variant;
        this.layers = List.copyOf(b.layers);
        this.directions = b.layers.get(0).length;
    }

    public static Builder builder(Cell cell) {
        return new Builder(cell);
    }

    /**
     * The exporter of a fused {@link RecurrentEncoder}'s current weights: every layer and direction,
     * copied to the host.
     *
     * @param inputSize the width of the encoder's input (layer 0's {@code in})
     */
    public static RecurrentExporter of(RecurrentEncoder encoder, int inputSize) {
        Cell cell = encoder.cellType() == CellType.LSTM ? Cell.LSTM : Cell.GRU;
        Builder b = builder(cell);
        int hidden = encoder.stateSize();
        int in = inputSize;
        for (int l = 0; l < encoder.numLayers(); l++) {
            FusedRecurrentWeights forward = fused(cell, encoder.weights(l, 0), in, hidden);
            if (encoder.numDirections() == 2) {
                b.addLayer(forward, fused(cell, encoder.weights(l, 1), in, hidden));
            } else {
                b.addLayer(forward);
            }
            in = encoder.numDirections() * hidden;
        }
        return b.build();
    }

    private static FusedRecurrentWeights fused(Cell cell, RecurrentWeights w, int in, int hidden) {
        return FusedRecurrentWeights.of(cell, in, hidden, w.i2hWeight().toFloatArray(), w.h2hWeight().toFloatArray(),
                w.i2hBias().toFloatArray(), w.h2hBias().toFloatArray());
    }

    public Cell cell() {
        return cell;
    }

    public int numLayers() {
        return layers.size();
    }

    /** 1, or 2 when bidirectional. */
    public int directions() {
        return directions;
    }

    public int inputSize() {
        return layers.get(0)[0].inputSize();
    }

    public int hiddenSize() {
        return layers.get(0)[0].hiddenSize();
    }

    /** Names of the values {@link #emit} produced. {@code finalCell} is null for GRU. */
    public record Outputs(String output, String finalHidden, String finalCell) {}

    /**
     * Adds the stack to a graph.
     *
     * @param input float {@code (batch, time, inputSize)}
     * @param sequenceLengths int32 {@code (batch)}, or null for full-length sequences
     * @param initialHidden float {@code (layers*dirs, batch, H)}, or null for zeros
     * @param initialCell float {@code (layers*dirs, batch, H)} (LSTM only), or null for zeros
     * @param outputName the name for {@code (batch, time, dirs*H)}
     * @param finalHiddenName the name for {@code (layers*dirs, batch, H)}
     * @param finalCellName the name for {@code (layers*dirs, batch, H)}; ignored for GRU
     */
    public Outputs emit(OnnxGraphBuilder g, String input, String sequenceLengths, String initialHidden,
            String initialCell, String outputName, String finalHiddenName, String finalCellName) {
        if (cell == Cell.GRU && initialCell != null) {
            throw new IllegalArgumentException("A GRU has no cell state; initialCell must be null");
        }
        String prefix = cell == Cell.LSTM ? "lstm" : "gru";
        int hidden = hiddenSize();
        int gates = FusedRecurrentWeights.gates(cell);
        int[] order = cell == Cell.LSTM ? LSTM_TO_ONNX : GRU_TO_ONNX;
        List<String> activations = activations();

        // (batch, time, in) -> (time, batch, in)
        String x = g.node("Transpose").inputs(input).attr("perm", new long[] {1, 0, 2})
                .outputs(g.uniqueName(prefix + "_x_time_major")).addSingle();
        List<String> hiddenStates = new ArrayList<>();
        List<String> cellStates = new ArrayList<>();
        boolean single = layers.size() == 1;
        for (int l = 0; l < layers.size(); l++) {
            FusedRecurrentWeights[] dirs = layers.get(l);
            int in = dirs[0].inputSize();
            float[] w = new float[directions * gates * hidden * in];
            float[] r = new float[directions * gates * hidden * hidden];
            float[] b = new float[directions * 2 * gates * hidden];
            for (int d = 0; d < directions; d++) {
                FusedRecurrentWeights p = dirs[d];
                FusedRecurrentWeights.reorderBlocks(p.i2hWeightView(), hidden, in, order, w, d * gates * hidden * in);
                FusedRecurrentWeights.reorderBlocks(p.h2hWeightView(), hidden, hidden, order, r,
                        d * gates * hidden * hidden);
                FusedRecurrentWeights.reorderBlocks(p.i2hBiasView(), hidden, 1, order, b, d * 2 * gates * hidden);
                FusedRecurrentWeights.reorderBlocks(p.h2hBiasView(), hidden, 1, order, b,
                        d * 2 * gates * hidden + gates * hidden);
            }
            String wName = g.addInitializer(g.uniqueName(prefix + l + "_W"), w, directions, (long) gates * hidden, in);
            String rName = g.addInitializer(g.uniqueName(prefix + l + "_R"), r, directions, (long) gates * hidden,
                    hidden);
            String bName = g.addInitializer(g.uniqueName(prefix + l + "_B"), b, directions, 2L * gates * hidden);
            String h0 = initialHidden == null ? "" : single ? initialHidden : slice(g, initialHidden, l, prefix);
            String c0 = initialCell == null ? "" : single ? initialCell : slice(g, initialCell, l, prefix);

            String y = g.uniqueName(prefix + l + "_Y");
            String yh = single ? finalHiddenName : g.uniqueName(prefix + l + "_Yh");
            OnnxGraphBuilder.NodeBuilder node = g.node(cell == Cell.LSTM ? "LSTM" : "GRU")
                    .inputs(x, wName, rName, bName, sequenceLengths == null ? "" : sequenceLengths, h0)
                    .attr("hidden_size", hidden)
                    .attr("direction", directions == 2 ? "bidirectional" : "forward");
            if (cell == Cell.LSTM) {
                node.inputs(c0);
                String yc = single ? finalCellName : g.uniqueName(prefix + l + "_Yc");
                node.outputs(y, yh, yc);
                cellStates.add(yc);
            } else {
                node.attr("linear_before_reset", 1L);
                node.outputs(y, yh);
            }
            hiddenStates.add(yh);
            if (activations != null) {
                node.attr("activations", activations);
                float[][] ab = activationParameters(activations);
                if (ab[0].length > 0) {
                    node.attr("activation_alpha", ab[0]);
                    node.attr("activation_beta", ab[1]);
                }
            }
            node.add();
            if (l < layers.size() - 1) {
                x = toNextLayerInput(g, y, prefix + l);
            } else {
                x = y;
            }
        }
        // (time, dirs, batch, H) -> (batch, time, dirs, H) -> (batch, time, dirs*H)
        String batchFirst = g.node("Transpose").inputs(x).attr("perm", new long[] {2, 0, 1, 3})
                .outputs(g.uniqueName(prefix + "_y_batch_first")).addSingle();
        String output = g.node("Reshape").inputs(batchFirst, shapeKeepTwo(g, prefix)).outputs(outputName).addSingle();
        String hn = single ? finalHiddenName : g.node("Concat").inputs(hiddenStates.toArray(new String[0]))
                .attr("axis", 0L).outputs(finalHiddenName).addSingle();
        String cn = null;
        if (cell == Cell.LSTM) {
            cn = single ? finalCellName : g.node("Concat").inputs(cellStates.toArray(new String[0]))
                    .attr("axis", 0L).outputs(finalCellName).addSingle();
        }
        return new Outputs(output, hn, cn);
    }

    /**
     * A standalone model: input {@value #INPUT} {@code (batch, time, in)}, optionally
     * {@value #SEQUENCE_LENGTHS} int32 {@code (batch)} and {@value #INITIAL_HIDDEN} /
     * {@value #INITIAL_CELL} {@code (layers*dirs, batch, H)}; outputs {@value #OUTPUT}
     * {@code (batch, time, dirs*H)}, {@value #FINAL_HIDDEN} and (LSTM) {@value #FINAL_CELL}.
     */
    public OnnxGraphBuilder toGraph(boolean initialStates, boolean sequenceLengths) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("recurrent_stack");
        g.addInput(INPUT, DataType.FLOAT, OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim("time"),
                OnnxGraphBuilder.dim(inputSize()));
        String lens = sequenceLengths ? g.addInput(SEQUENCE_LENGTHS, DataType.INT32, OnnxGraphBuilder.dim("batch")) : null;
        long states = (long) numLayers() * directions;
        String h0 = null;
        String c0 = null;
        if (initialStates) {
            h0 = g.addInput(INITIAL_HIDDEN, DataType.FLOAT, OnnxGraphBuilder.dim(states), OnnxGraphBuilder.dim("batch"),
                    OnnxGraphBuilder.dim(hiddenSize()));
            if (cell == Cell.LSTM) {
                c0 = g.addInput(INITIAL_CELL, DataType.FLOAT, OnnxGraphBuilder.dim(states),
                        OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim(hiddenSize()));
            }
        }
        g.addOutput(OUTPUT, DataType.FLOAT, OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim("time"),
                OnnxGraphBuilder.dim((long) directions * hiddenSize()));
        g.addOutput(FINAL_HIDDEN, DataType.FLOAT, OnnxGraphBuilder.dim(states), OnnxGraphBuilder.dim("batch"),
                OnnxGraphBuilder.dim(hiddenSize()));
        if (cell == Cell.LSTM) {
            g.addOutput(FINAL_CELL, DataType.FLOAT, OnnxGraphBuilder.dim(states), OnnxGraphBuilder.dim("batch"),
                    OnnxGraphBuilder.dim(hiddenSize()));
        }
        emit(g, INPUT, lens, h0, c0, OUTPUT, FINAL_HIDDEN, FINAL_CELL);
        return g;
    }

    /** {@link #toGraph(boolean, boolean)} as a model proto. */
    public OnnxMl.ModelProto toModel(boolean initialStates, boolean sequenceLengths) {
        return toGraph(initialStates, sequenceLengths).toModel();
    }

    /** The {@code activations} attribute, or null for the operator's defaults. */
    private List<String> activations() {
        if (variant.isStandardActivations()) {
            return null;
        }
        List<String> one = cell == Cell.LSTM
                ? List.of(variant.gate().onnxName(), variant.candidate().onnxName(), variant.cellOutput().onnxName())
                : List.of(variant.gate().onnxName(), variant.candidate().onnxName());
        List<String> all = new ArrayList<>();
        for (int d = 0; d < directions; d++) {
            all.addAll(one);
        }
        return all;
    }

    /**
     * ONNX consumes {@code activation_alpha}/{@code activation_beta} in order, one entry per
     * activation that takes parameters (here only HardSigmoid).
     */
    private float[][] activationParameters(List<String> activations) {
        int n = (int) activations.stream().filter(a -> a.equals(CellVariant.Activation.HARD_SIGMOID.onnxName())).count();
        float[] alpha = new float[n];
        float[] beta = new float[n];
        Arrays.fill(alpha, variant.hardSigmoidAlpha());
        Arrays.fill(beta, variant.hardSigmoidBeta());
        return new float[][] {alpha, beta};
    }

    /** Rows {@code [l*dirs, (l+1)*dirs)} of a {@code (layers*dirs, batch, H)} state. */
    private String slice(OnnxGraphBuilder g, String state, int layer, String prefix) {
        String starts = g.addInitializer(g.uniqueName(prefix + layer + "_state_start"), new long[] {(long) layer * directions}, 1);
        String ends = g.addInitializer(g.uniqueName(prefix + layer + "_state_end"), new long[] {(long) (layer + 1) * directions}, 1);
        String axes = g.addInitializer(g.uniqueName(prefix + layer + "_state_axis"), new long[] {0}, 1);
        return g.node("Slice").inputs(state, starts, ends, axes).outputs(g.uniqueName(state + "_layer" + layer))
                .addSingle();
    }

    /** {@code (time, dirs, batch, H)} -> {@code (time, batch, dirs*H)}. */
    private String toNextLayerInput(OnnxGraphBuilder g, String y, String prefix) {
        if (directions == 1) {
            String axes = g.addInitializer(g.uniqueName(prefix + "_squeeze_axes"), new long[] {1}, 1);
            return g.node("Squeeze").inputs(y, axes).outputs(g.uniqueName(prefix + "_next_input")).addSingle();
        }
        String t = g.node("Transpose").inputs(y).attr("perm", new long[] {0, 2, 1, 3})
                .outputs(g.uniqueName(prefix + "_y_tbdh")).addSingle();
        return g.node("Reshape").inputs(t, shapeKeepTwo(g, prefix)).outputs(g.uniqueName(prefix + "_next_input"))
                .addSingle();
    }

    /** The Reshape target {@code [0, 0, -1]}: keep the first two dimensions, merge the rest. */
    private static String shapeKeepTwo(OnnxGraphBuilder g, String prefix) {
        return g.addInitializer(g.uniqueName(prefix + "_merge_last_shape"), new long[] {0, 0, -1}, 3);
    }

    /** Collects layers; checks that sizes chain and all layers share the cell kind and direction count. */
    public static final class Builder {
        private final Cell cell;
        private final List<FusedRecurrentWeights[]> layers = new ArrayList<>();
        private CellVariant variant = CellVariant.standard();

        private Builder(Cell cell) {
            if (cell == null) {
                throw new IllegalArgumentException("The cell kind is required");
            }
            this.cell = cell;
        }

        /** The cell's functions; default {@link CellVariant#standard()}. */
        public Builder optVariant(CellVariant variant) {
            if (variant == null) {
                throw new IllegalArgumentException("The variant must not be null");
            }
            this.variant = variant;
            return this;
        }

        /** Adds a unidirectional layer. */
        public Builder addLayer(FusedRecurrentWeights forward) {
            return add(new FusedRecurrentWeights[] {forward});
        }

        /** Adds a bidirectional layer; its input size is the previous layer's {@code 2*H}. */
        public Builder addLayer(FusedRecurrentWeights forward, FusedRecurrentWeights backward) {
            return add(new FusedRecurrentWeights[] {forward, backward});
        }

        private Builder add(FusedRecurrentWeights[] dirs) {
            int index = layers.size();
            for (FusedRecurrentWeights w : dirs) {
                if (w == null) {
                    throw new IllegalArgumentException("Layer " + index + " weights are missing");
                }
                if (w.cell() != cell) {
                    throw new IllegalArgumentException("Layer " + index + " holds " + w.cell() + " weights in a " + cell
                            + " stack");
                }
                if (w.inputSize() != dirs[0].inputSize() || w.hiddenSize() != dirs[0].hiddenSize()) {
                    throw new IllegalArgumentException("Layer " + index + " directions differ in size: forward (in="
                            + dirs[0].inputSize() + ", H=" + dirs[0].hiddenSize() + "), backward (in=" + w.inputSize()
                            + ", H=" + w.hiddenSize() + ")");
                }
            }
            if (!layers.isEmpty()) {
                FusedRecurrentWeights[] prev = layers.get(index - 1);
                if (prev.length != dirs.length) {
                    throw new IllegalArgumentException("Layer " + index + " has " + dirs.length
                            + " directions, the stack has " + prev.length);
                }
                int expectedIn = prev.length * prev[0].hiddenSize();
                if (dirs[0].inputSize() != expectedIn) {
                    throw new IllegalArgumentException("Layer " + index + " input size " + dirs[0].inputSize()
                            + " differs from the previous layer's output size " + expectedIn);
                }
                if (dirs[0].hiddenSize() != prev[0].hiddenSize()) {
                    throw new IllegalArgumentException("Layer " + index + " hidden size " + dirs[0].hiddenSize()
                            + " differs from layer 0's " + prev[0].hiddenSize()
                            + "; stacked states (layers*dirs, batch, H) need one H");
                }
            }
            layers.add(dirs.clone());
            return this;
        }

        /**
         * Checks the stack.
         *
         * @throws UnsupportedOperationException if the variant has a part ONNX cannot express,
         *     naming it (the LSTM time gate)
         */
        public RecurrentExporter build() {
            if (layers.isEmpty()) {
                throw new IllegalStateException("A recurrent stack needs at least one layer");
            }
            if (variant.hasTimeGate()) {
                throw new UnsupportedOperationException("ONNX " + cell + " cannot express the time gate (a further "
                        + "learned gate multiplying the LSTM input gate); export a cell without optTimeGate");
            }
            if (cell == Cell.GRU && variant.cellOutput() != CellVariant.Activation.TANH) {
                throw new IllegalArgumentException("A GRU has no cell output activation; got " + variant.cellOutput());
            }
            return new RecurrentExporter(this);
        }
    }
}
