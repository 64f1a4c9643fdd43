package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.RecurrentEncoder;
import dev.seqtoolkit.core.nn.RecurrentWeights;

import static dev.seqtoolkit.core.onnx.OnnxOps.ints;
import static dev.seqtoolkit.core.onnx.OnnxOps.scalar;
import static dev.seqtoolkit.core.onnx.OnnxOps.unsqueeze;

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
        // (batch, time, in) -> (time, batch, in)
        String x = g.node("Transpose").inputs(input).attr("perm", new long[] {1, 0, 2})
                .outputs(g.uniqueName(prefix() + "_x_time_major")).addSingle();
        return stack(g, x, 0, sequenceLengths, initialHidden, initialCell, new ArrayList<>(), new ArrayList<>(),
                outputName, finalHiddenName, finalCellName);
    }

    private String prefix() {
        return cell == Cell.LSTM ? "lstm" : "gru";
    }

    /** Layers {@code first..} as ONNX LSTM/GRU nodes on the time-major {@code x}; then the outputs. */
    private Outputs stack(OnnxGraphBuilder g, String x, int first, String sequenceLengths, String initialHidden,
            String initialCell, List<String> hiddenStates, List<String> cellStates, String outputName,
            String finalHiddenName, String finalCellName) {
        String prefix = prefix();
        int hidden = hiddenSize();
        int gates = FusedRecurrentWeights.gates(cell);
        int[] order = cell == Cell.LSTM ? LSTM_TO_ONNX : GRU_TO_ONNX;
        List<String> activations = activations();
        boolean single = layers.size() == 1;
        for (int l = first; l < layers.size(); l++) {
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

    /** Whether {@link #emitTokens} looks the first layer's input gates up for a vocabulary of {@code vocab}. */
    public boolean usesGateTable(int vocab) {
        long bytes = 4L * vocab * directions * FusedRecurrentWeights.gates(cell) * hiddenSize();
        return variant.isStandardActivations() && bytes <= OnnxOps.MAX_GATE_TABLE_BYTES;
    }

    /**
     * Adds the stack run on token ids whose embedding is its input, from zero initial states. The
     * first layer's input gates of every token ({@code embedding W_i^T} plus the biases the cell adds
     * to them, per direction) are computed here once into a {@code (V, dirs*G*H)} table: the graph
     * gathers each token's row and runs only the recurrence, as an ONNX {@code Scan} over time whose
     * body is the cell written out (both directions in one body; the backward direction reads each
     * sentence reversed within its length, {@code ReverseSequence}). This saves the first layer's
     * input product, {@code 2 in G H} FLOPs per token and direction, at the cost of the table's size
     * ({@code V dirs G H} floats). Later layers are ONNX LSTM/GRU nodes as in {@link #emit}. A cell
     * with non-standard activations, or a table above {@value OnnxOps#MAX_GATE_TABLE_BYTES} bytes, gathers
     * the embedding and runs {@link #emit} instead. Outputs agree with {@link #emit}'s to float
     * rounding; they are zero at padding and the final states are each sentence's last real step's.
     *
     * @param ids int64 {@code (batch, time)}, each in {@code [0, vocab)}
     * @param embedding the row-major {@code (vocab, inputSize)} embedding
     * @param sequenceLengths int32 {@code (batch)}, each in {@code [1, time]}, or null for full length
     */
    public Outputs emitTokens(OnnxGraphBuilder g, String ids, float[] embedding, int vocab, String sequenceLengths,
            String outputName, String finalHiddenName, String finalCellName) {
        int in = inputSize();
        if (embedding.length != (long) vocab * in) {
            throw new IllegalArgumentException("The embedding has " + embedding.length + " values, not " + vocab
                    + " x " + in);
        }
        String prefix = prefix();
        if (!usesGateTable(vocab)) {
            String table = g.addInitializer(g.uniqueName(prefix + "_embedding"), embedding, vocab, in);
            String x = g.node("Gather").inputs(table, ids).attr("axis", 0L).outputs(g.uniqueName(prefix + "_embedded"))
                    .addSingle();
            return emit(g, x, sequenceLengths, null, null, outputName, finalHiddenName, finalCellName);
        }
        int hidden = hiddenSize();
        int gh = FusedRecurrentWeights.gates(cell) * hidden;
        boolean single = layers.size() == 1;
        String p = g.uniqueName(prefix + "0_scan");
        String table = g.addInitializer(p + "_gate_table", gateTable(embedding, vocab), vocab, (long) directions * gh);
        String idsTime = g.node("Transpose").inputs(ids).attr("perm", new long[] {1, 0}).outputs(p + "_ids_time_major")
                .addSingle(); // (T, B)
        String gatesX = g.node("Gather").inputs(table, idsTime).attr("axis", 0L).outputs(p + "_x_gates").addSingle();
        String shape = g.node("Shape").inputs(ids).outputs(p + "_ids_shape").addSingle(); // [B, T]
        String batch = g.node("Slice").inputs(shape, ints(g, p + "_zero", 0), ints(g, p + "_one", 1))
                .outputs(p + "_batch").addSingle(); // (1)
        String time = g.node("Slice").inputs(shape, ints(g, p + "_one_again", 1), ints(g, p + "_two", 2))
                .outputs(p + "_time").addSingle(); // (1)
        String lengths = sequenceLengths == null
                ? g.node("Expand").inputs(time, batch).outputs(p + "_lengths").addSingle()
                : g.node("Cast").inputs(sequenceLengths).attr("to", (long) DataType.INT64.getNumber())
                        .outputs(p + "_lengths").addSingle(); // (B) int64
        String xs; // (T, dirs, B, G*H)
        if (directions == 2) {
            List<String> parts = g.node("Split").inputs(gatesX).attr("axis", 2L)
                    .outputs(p + "_x_forward", p + "_x_backward").add();
            String reversed = g.node("ReverseSequence").inputs(parts.get(1), lengths).attr("batch_axis", 1L)
                    .attr("time_axis", 0L).outputs(p + "_x_backward_reversed").addSingle();
            xs = g.node("Concat").inputs(unsqueeze(g, parts.get(0), 1, p + "_x_forward_4d"),
                    unsqueeze(g, reversed, 1, p + "_x_backward_4d")).attr("axis", 1L).outputs(p + "_xs").addSingle();
        } else {
            xs = unsqueeze(g, gatesX, 1, p + "_xs");
        }
        String mask = null; // (T, 1, B, 1) bool: step t is inside sentence b
        if (sequenceLengths != null) {
            String steps = g.node("Range").inputs(scalar(g, p + "_range_start", 0),
                    g.node("Squeeze").inputs(time, ints(g, p + "_time_axes", 0)).outputs(p + "_time_scalar")
                            .addSingle(), scalar(g, p + "_range_delta", 1)).outputs(p + "_steps").addSingle(); // (T)
            String inside = g.node("Less").inputs(unsqueeze(g, steps, 1, p + "_steps_column"),
                    unsqueeze(g, lengths, 0, p + "_lengths_row")).outputs(p + "_inside").addSingle(); // (T, B)
            mask = g.node("Unsqueeze").inputs(inside, ints(g, p + "_mask_axes", 1, 3)).outputs(p + "_mask")
                    .addSingle();
        }
        String stateShape = g.node("Concat").inputs(ints(g, p + "_dirs", directions), batch,
                ints(g, p + "_hidden", hidden)).attr("axis", 0L).outputs(p + "_state_shape").addSingle();
        String zeros = g.node("ConstantOfShape").inputs(stateShape).outputs(p + "_zero_state")
                .addSingle(); // (dirs, B, H) float zeros, the operator's default value

        String hT = single ? finalHiddenName : g.uniqueName(p + "_hn");
        String cT = cell == Cell.LSTM ? (single ? finalCellName : g.uniqueName(p + "_cn")) : null;
        String ys = g.uniqueName(p + "_ys");
        OnnxGraphBuilder.NodeBuilder scan = g.node("Scan");
        if (cell == Cell.LSTM) {
            scan.inputs(zeros, zeros);
        } else {
            scan.inputs(zeros);
        }
        scan.inputs(xs);
        if (mask != null) {
            scan.inputs(mask);
        }
        if (cell == Cell.LSTM) {
            scan.outputs(hT, cT, ys);
        } else {
            scan.outputs(hT, ys);
        }
        scan.attr("num_scan_inputs", mask != null ? 2L : 1L).attr("body", scanBody(p, mask != null)).add();
        String y = ys; // (T, dirs, B, H), the layout of an ONNX LSTM's Y
        if (directions == 2) {
            List<String> parts = g.node("Split").inputs(ys).attr("axis", 1L).outputs(p + "_y_forward", p + "_y_backward")
                    .add();
            String backward = g.node("Squeeze").inputs(parts.get(1), ints(g, p + "_y_axes", 1))
                    .outputs(p + "_y_backward_3d").addSingle();
            String restored = g.node("ReverseSequence").inputs(backward, lengths).attr("batch_axis", 1L)
                    .attr("time_axis", 0L).outputs(p + "_y_backward_restored").addSingle();
            y = g.node("Concat").inputs(parts.get(0), unsqueeze(g, restored, 1, p + "_y_backward_4d"))
                    .attr("axis", 1L).outputs(p + "_y").addSingle();
        }
        List<String> hiddenStates = new ArrayList<>(List.of(hT));
        List<String> cellStates = cT == null ? new ArrayList<>() : new ArrayList<>(List.of(cT));
        return stack(g, single ? y : toNextLayerInput(g, y, p), 1, sequenceLengths, null, null, hiddenStates,
                cellStates, outputName, finalHiddenName, finalCellName);
    }

    /**
     * The first layer's input gates of every token: row {@code v} holds, per direction, {@code
     * embedding[v] W_i^T + b_i} (+ {@code b_h} for an LSTM, whose recurrent bias adds to the same
     * gates; a GRU's recurrent bias stays in the body, inside the reset product).
     */
    private float[] gateTable(float[] embedding, int vocab) {
        int in = inputSize();
        int gh = FusedRecurrentWeights.gates(cell) * hiddenSize();
        int width = directions * gh;
        float[] table = new float[vocab * width];
        for (int d = 0; d < directions; d++) {
            FusedRecurrentWeights w = layers.get(0)[d];
            float[] bias = cell == Cell.LSTM ? OnnxOps.sum(w.i2hBiasView(), w.h2hBiasView()) : w.i2hBiasView();
            float[] part = OnnxOps.inputGateTable(embedding, vocab, in, w.i2hWeightView(), in, bias); // (V, G*H)
            for (int v = 0; v < vocab; v++) {
                System.arraycopy(part, v * gh, table, v * width + d * gh, gh);
            }
        }
        return table;
    }

    /**
     * One time step of both directions: state {@code h (dirs, B, H)} (and {@code c}), the step's
     * input gates {@code (dirs, B, G*H)} and, with lengths, {@code inside (1, B, 1)}: outside a
     * sentence the state is carried unchanged and the output is zero.
     */
    private OnnxMl.GraphProto scanBody(String p, boolean masked) {
        int hidden = hiddenSize();
        int gates = FusedRecurrentWeights.gates(cell);
        int gh = gates * hidden;
        boolean lstm = cell == Cell.LSTM;
        OnnxGraphBuilder b = new OnnxGraphBuilder(p + "_body");
        String q = p + "_body_";
        String h = b.addInput(q + "h", DataType.FLOAT, OnnxGraphBuilder.dim(directions), OnnxGraphBuilder.dim("batch"),
                OnnxGraphBuilder.dim(hidden));
        String c = lstm ? b.addInput(q + "c", DataType.FLOAT, OnnxGraphBuilder.dim(directions),
                OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim(hidden)) : null;
        String x = b.addInput(q + "x", DataType.FLOAT, OnnxGraphBuilder.dim(directions), OnnxGraphBuilder.dim("batch"),
                OnnxGraphBuilder.dim(gh));
        String inside = masked ? b.addInput(q + "inside", DataType.BOOL, OnnxGraphBuilder.dim(1),
                OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim(1)) : null;
        String hOut = b.addOutput(q + "h_next", DataType.FLOAT, OnnxGraphBuilder.dim(directions),
                OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim(hidden));
        String cOut = lstm ? b.addOutput(q + "c_next", DataType.FLOAT, OnnxGraphBuilder.dim(directions),
                OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim(hidden)) : null;
        String yOut = b.addOutput(q + "y", DataType.FLOAT, OnnxGraphBuilder.dim(directions),
                OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim(hidden));

        float[] rt = new float[directions * hidden * gh]; // (dirs, H, G*H): h2h transposed
        float[] bh = new float[directions * gh];
        for (int d = 0; d < directions; d++) {
            FusedRecurrentWeights w = layers.get(0)[d];
            float[] r = w.h2hWeightView(); // (G*H, H)
            for (int row = 0; row < gh; row++) {
                for (int col = 0; col < hidden; col++) {
                    rt[d * hidden * gh + col * gh + row] = r[row * hidden + col];
                }
            }
            System.arraycopy(w.h2hBiasView(), 0, bh, d * gh, gh);
        }
        String recurrent = b.addInitializer(q + "h2h_t", rt, directions, hidden, gh);
        String hr = b.node("MatMul").inputs(h, recurrent).outputs(q + "hr").addSingle(); // (dirs, B, G*H)
        String hNew;
        String cNew = null;
        if (lstm) {
            String g4 = b.node("Add").inputs(hr, x).outputs(q + "gates").addSingle();
            List<String> ifgo = b.node("Split").inputs(g4).attr("axis", 2L)
                    .outputs(q + "i_raw", q + "f_raw", q + "g_raw", q + "o_raw").add();
            String i = b.node("Sigmoid").inputs(ifgo.get(0)).outputs(q + "i").addSingle();
            String f = b.node("Sigmoid").inputs(ifgo.get(1)).outputs(q + "f").addSingle();
            String cand = b.node("Tanh").inputs(ifgo.get(2)).outputs(q + "g").addSingle();
            String o = b.node("Sigmoid").inputs(ifgo.get(3)).outputs(q + "o").addSingle();
            String keep = b.node("Mul").inputs(f, c).outputs(q + "fc").addSingle();
            String write = b.node("Mul").inputs(i, cand).outputs(q + "ig").addSingle();
            cNew = b.node("Add").inputs(keep, write).outputs(q + "c_new").addSingle(); // c' = f c + i g
            String tc = b.node("Tanh").inputs(cNew).outputs(q + "tanh_c").addSingle();
            hNew = b.node("Mul").inputs(o, tc).outputs(q + "h_new").addSingle(); // h' = o tanh(c')
        } else { // r, z from x + hr; n = tanh(x_n + r (W_hn h + b_hn)); h' = n - z (n - h)
            String hb = b.node("Add").inputs(hr, b.addInitializer(q + "h2h_bias", bh, directions, 1, gh))
                    .outputs(q + "hr_biased").addSingle();
            List<String> xs = b.node("Split").inputs(x).attr("axis", 2L).outputs(q + "x_r", q + "x_z", q + "x_n").add();
            List<String> hs = b.node("Split").inputs(hb).attr("axis", 2L).outputs(q + "h_r", q + "h_z", q + "h_n").add();
            String r = b.node("Sigmoid").inputs(b.node("Add").inputs(xs.get(0), hs.get(0)).outputs(q + "r_raw")
                    .addSingle()).outputs(q + "r").addSingle();
            String z = b.node("Sigmoid").inputs(b.node("Add").inputs(xs.get(1), hs.get(1)).outputs(q + "z_raw")
                    .addSingle()).outputs(q + "z").addSingle();
            String rh = b.node("Mul").inputs(r, hs.get(2)).outputs(q + "r_hn").addSingle();
            String n = b.node("Tanh").inputs(b.node("Add").inputs(xs.get(2), rh).outputs(q + "n_raw").addSingle())
                    .outputs(q + "n").addSingle();
            String diff = b.node("Sub").inputs(n, h).outputs(q + "n_minus_h").addSingle();
            String zd = b.node("Mul").inputs(z, diff).outputs(q + "z_diff").addSingle();
            hNew = b.node("Sub").inputs(n, zd).outputs(q + "h_new").addSingle();
        }
        if (masked) {
            b.node("Where").inputs(inside, hNew, h).outputs(hOut).add();
            if (lstm) {
                b.node("Where").inputs(inside, cNew, c).outputs(cOut).add();
            }
            b.node("Where").inputs(inside, hNew, b.addInitializer(q + "zero", new float[] {0f}))
                    .outputs(yOut).add();
        } else {
            b.node("Identity").inputs(hNew).outputs(hOut).add();
            if (lstm) {
                b.node("Identity").inputs(cNew).outputs(cOut).add();
            }
            b.node("Identity").inputs(hNew).outputs(yOut).add();
        }
        return b.toGraph();
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
