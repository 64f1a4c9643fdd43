package dev.seqtoolkit.core.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.attention.AdditiveAttention;
import dev.seqtoolkit.core.attention.GeneralAttention;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.RecurrentWeights;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import dev.seqtoolkit.core.seq2seq.Seq2SeqModel;

import static dev.seqtoolkit.core.onnx.OnnxOps.columns;
import static dev.seqtoolkit.core.onnx.OnnxOps.ints;
import static dev.seqtoolkit.core.onnx.OnnxOps.inputGateTable;
import static dev.seqtoolkit.core.onnx.OnnxOps.matMulTransposed;
import static dev.seqtoolkit.core.onnx.OnnxOps.scalar;
import static dev.seqtoolkit.core.onnx.OnnxOps.squeeze;
import static dev.seqtoolkit.core.onnx.OnnxOps.sum;
import static dev.seqtoolkit.core.onnx.OnnxOps.unsqueeze;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a {@link Seq2SeqModel} as two ONNX graphs (opset {@value OnnxGraphBuilder#OPSET}): the
 * encoder, run once per source batch, and one decoder step, run by host code (greedy or beam search)
 * once per target position. Batch ({@code batch}/{@code rows}) and source length ({@code src_len})
 * are dynamic axes.
 *
 * <pre>
 * encoder.onnx
 *   in : source_ids int64 (batch, src_len), source_lengths int64 (batch), each in [1, src_len]
 *   out: memory (batch, src_len, M) zero at padding, source_mask float (batch, src_len) 1 real / 0 pad,
 *        h0 (L, batch, HD), c0 (L, batch, HD) [LSTM], keys (batch, src_len, K) [ADDITIVE: K = A, GENERAL: K = HD]
 *   ops: the first layer as Gather of its input gates from a table and a Scan of the cell (optGateTable, the
 *        default; RecurrentExporter.emitTokens), or Gather (embedding) and LSTM/GRU; further layers as LSTM/GRU
 *        (bidirectional, stacked, sequence_lens); Range/Less (mask),
 *        Reshape/Transpose/Slice/Tile/MatMul/Tanh (bridge), MatMul (keys)
 *
 * decoder_step.onnx
 *   in : previous_tokens int64 (rows), h (L, rows, HD), c (L, rows, HD) [LSTM], memory (rows, src_len, M),
 *        source_mask (rows, src_len), keys (rows, src_len, K) [ADDITIVE, GENERAL], feed (rows, HD) [input feeding],
 *        coverage (rows, src_len) [coverage: the attention of the steps so far, summed; zeros at the start],
 *        top_k (1) [not copy: how many candidates top_log_probs and top_ids hold per row, 1 to V]
 *   out: log_probs (rows, V), h_next, c_next [LSTM], attention (rows, src_len), feed_next (rows, HD) [input feeding],
 *        coverage_next (rows, src_len) [coverage], generation_logits (rows) [copy: p_gen = sigmoid of it],
 *        top_log_probs (rows, top_k), top_ids (rows, top_k) [not copy: each row's most probable tokens, best
 *        first, the lower id first among equals; a search that needs only these skips reading log_probs]
 *   ops: Gather, the cell written out as MatMul/Add/Split/Sigmoid/Tanh/Mul/Sub, attention as MatMul (+Tanh),
 *        masked softmax (Add of (mask - 1) * 1e30, Softmax, Mul by the mask), LUONG's Concat/MatMul/Tanh,
 *        the output MatMul/Add, LogSoftmax and TopK
 * </pre>
 *
 * <p>The decoder cell is written with standard operators rather than as an ONNX {@code LSTM} of
 * length 1: the state stays {@code (rows, HD)} per layer with no time-major reshapes, the GRU needs
 * no {@code linear_before_reset} mapping, and it reads exactly like {@code LstmCell}/{@code GruCell}.
 * Every decoder style of {@link Seq2SeqConfig} exports: BAHDANAU and LUONG, ADDITIVE, DOT and
 * GENERAL attention, input feeding, tied output embeddings, every bridge, coverage, and the
 * pointer-generator's copy switch. A copy model's graphs take model ids (source words outside the
 * vocabulary as {@code <unk>}); the step outputs the vocabulary log-probabilities, the attention and
 * the generation logit, and the host mixes them over the extended vocabulary ({@code
 * PointerGenerator.mix}), as the DJL step model does. Utterance-encoder models do not export:
 * {@link #of} refuses them.
 *
 * <p>Both files carry {@value #CONFIG_KEY} (the {@link Seq2SeqConfig} JSON), {@value #GRAPH_KEY}
 * ({@code encoder} or {@code decoder_step}), {@value #FORMAT_KEY} and whatever
 * {@link #putMetadata} added (vocabulary hashes, provenance).
 */
public final class Seq2SeqExporter {
    public static final String ENCODER_FILE = "encoder.onnx";
    public static final String DECODER_FILE = "decoder_step.onnx";

    public static final String SOURCE_IDS = "source_ids";
    public static final String SOURCE_LENGTHS = "source_lengths";
    public static final String MEMORY = "memory";
    public static final String SOURCE_MASK = "source_mask";
    public static final String H0 = "h0";
    public static final String C0 = "c0";
    public static final String KEYS = "keys";

    public static final String PREVIOUS_TOKENS = "previous_tokens";
    public static final String H = "h";
    public static final String C = "c";
    public static final String FEED = "feed";
    public static final String LOG_PROBS = "log_probs";
    public static final String H_NEXT = "h_next";
    public static final String C_NEXT = "c_next";
    public static final String ATTENTION = "attention";
    public static final String FEED_NEXT = "feed_next";
    public static final String COVERAGE = "coverage";
    public static final String COVERAGE_NEXT = "coverage_next";
    public static final String GENERATION_LOGITS = "generation_logits";
    public static final String TOP_K = "top_k";
    public static final String TOP_LOG_PROBS = "top_log_probs";
    public static final String TOP_IDS = "top_ids";

    public static final String CONFIG_KEY = "seqtoolkit.seq2seq.config";
    public static final String GRAPH_KEY = "seqtoolkit.seq2seq.graph";
    public static final String FORMAT_KEY = "seqtoolkit.seq2seq.format";
    /** The export format written: 2 adds the step graph's {@value #TOP_K} input and TopK outputs to 1. */
    public static final int FORMAT = 2;
    /** The oldest export format {@link OrtStepModel} still reads. */
    public static final int OLDEST_FORMAT = 1;

    /** What is added to the scores of padded positions before the softmax (as in the DJL attention). */
    static final float MASK_FILL = 1.0e30f;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Seq2SeqModel model;
    private final Seq2SeqConfig config;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private boolean gateTable = true;

    private Seq2SeqExporter(Seq2SeqModel model) {
        this.model = model;
        this.config = model.config();
    }

    /**
     * An exporter of the model's current weights.
     *
     * @throws UnsupportedOperationException for a model with an utterance encoder, which does not
     *     export yet
     */
    public static Seq2SeqExporter of(Seq2SeqModel model) {
        if (model == null) {
            throw new IllegalArgumentException("The model is required");
        }
        Seq2SeqConfig config = model.config();
        if (config.hasUtteranceEncoder()) {
            throw new UnsupportedOperationException(
                    "ONNX export of a model with an utterance encoder is not supported; decode it with DjlStepModel");
        }
        return new Seq2SeqExporter(model);
    }

    /**
     * Whether the step graph of {@code c} has the {@value #TOP_K} input and the top-candidate
     * outputs: every model but a copy model, whose distribution is mixed on the host.
     */
    public static boolean hasCandidates(Seq2SeqConfig c) {
        return !c.copy();
    }

    /** Whether the encoder outputs (and the step reads) projected attention keys. */
    public static boolean hasKeys(Seq2SeqConfig config) {
        return config.attention() != Seq2SeqConfig.AttentionType.DOT;
    }

    /**
     * Whether the graphs look the input gates of the layers that read token embeddings up in tables
     * computed here once instead of multiplying the embedding for every token; on by default. The
     * step graph's first decoder layer reads row {@code y} of a {@code (V, G*HD)} table ({@code
     * embedding W_e^T + bias}), saving {@code 2 E G HD} FLOPs per row and step (8% of the peer case
     * c's step); the encoder's first layer does the same per source token and runs as a Scan (see
     * {@link RecurrentExporter#emitTokens}). Each file grows by its table, {@code V G HD} floats (times
     * the directions in the encoder): 65 MB each for V 8,000 and HD 512. The graphs' inputs and
     * outputs are the same either way, and the results agree to float rounding. A table larger than
     * {@value OnnxOps#MAX_GATE_TABLE_BYTES} bytes is never built. A copy model's step keeps
     * the embedding too, as its copy switch reads it.
     */
    public Seq2SeqExporter optGateTable(boolean enabled) {
        this.gateTable = enabled;
        return this;
    }

    /** Whether {@link #decoderStepModel()} uses the gate table (see {@link #optGateTable}). */
    public boolean usesGateTable() {
        long bytes = 4L * config.targetVocabSize() * config.cell().gates() * config.decoderHiddenSize();
        return gateTable && bytes <= OnnxOps.MAX_GATE_TABLE_BYTES;
    }

    /** Adds a {@code metadata_props} entry to both graphs. */
    public Seq2SeqExporter putMetadata(String key, String value) {
        if (key.equals(CONFIG_KEY) || key.equals(GRAPH_KEY) || key.equals(FORMAT_KEY)) {
            throw new IllegalArgumentException("The key " + key + " is written by the exporter");
        }
        metadata.put(key, value);
        return this;
    }

    /** Writes {@value #ENCODER_FILE} and {@value #DECODER_FILE} into {@code directory}, each atomically. */
    public void save(Path directory) throws IOException {
        OnnxGraphBuilder.write(encoderModel(), directory.resolve(ENCODER_FILE));
        OnnxGraphBuilder.write(decoderStepModel(), directory.resolve(DECODER_FILE));
    }

    private void stamp(OnnxGraphBuilder g, String graph) {
        try {
            g.putMetadata(CONFIG_KEY, JSON.writeValueAsString(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write the model configuration", e);
        }
        g.putMetadata(GRAPH_KEY, graph);
        g.putMetadata(FORMAT_KEY, Integer.toString(FORMAT));
        metadata.forEach(g::putMetadata);
    }

    // -------------------------------------------------------------------------------- encoder

    /** The encoder graph. */
    public OnnxMl.ModelProto encoderModel() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("seq2seq_encoder");
        int hd = config.decoderHiddenSize();
        int m = config.memorySize();
        int layers = config.decoderLayers();
        boolean lstm = config.cell() == CellType.LSTM;
        g.addInput(SOURCE_IDS, DataType.INT64, dim("batch"), dim("src_len"));
        g.addInput(SOURCE_LENGTHS, DataType.INT64, dim("batch"));
        g.addOutput(MEMORY, DataType.FLOAT, dim("batch"), dim("src_len"), dim(m));
        g.addOutput(SOURCE_MASK, DataType.FLOAT, dim("batch"), dim("src_len"));
        g.addOutput(H0, DataType.FLOAT, dim(layers), dim("batch"), dim(hd));
        if (lstm) {
            g.addOutput(C0, DataType.FLOAT, dim(layers), dim("batch"), dim(hd));
        }
        if (hasKeys(config)) {
            g.addOutput(KEYS, DataType.FLOAT, dim("batch"), dim("src_len"), dim(keySize()));
        }

        String lens = g.node("Cast").inputs(SOURCE_LENGTHS).attr("to", (long) DataType.INT32.getNumber())
                .outputs("source_lengths_int32").addSingle();
        RecurrentExporter stack = RecurrentExporter.of(model.encoder(), config.embeddingSize());
        RecurrentExporter.Outputs rnn;
        if (gateTable && stack.usesGateTable(config.sourceVocabSize())) { // the first layer's input gates from a table
            rnn = stack.emitTokens(g, SOURCE_IDS, floats(model.sourceEmbedding().weight()), config.sourceVocabSize(),
                    lens, "encoder_output", "encoder_hn", lstm ? "encoder_cn" : null);
        } else { // (batch, src_len) -> (batch, src_len, E)
            String table = g.addInitializer("source_embedding", floats(model.sourceEmbedding().weight()),
                    config.sourceVocabSize(), config.embeddingSize());
            String x = g.node("Gather").inputs(table, SOURCE_IDS).attr("axis", 0L).outputs("source_embedded")
                    .addSingle();
            rnn = stack.emit(g, x, lens, null, null, "encoder_output", "encoder_hn", lstm ? "encoder_cn" : null);
        }

        // mask (batch, src_len): position < length
        String shape = g.node("Shape").inputs(SOURCE_IDS).outputs("source_shape").addSingle();
        String srcLen = g.node("Gather").inputs(shape, scalar(g, "index_one", 1)).attr("axis", 0L)
                .outputs("src_len").addSingle();
        String positions = g.node("Range").inputs(scalar(g, "zero", 0), srcLen, scalar(g, "one", 1))
                .outputs("positions").addSingle();
        String row = unsqueeze(g, positions, 0, "positions_row"); // (1, src_len)
        String column = unsqueeze(g, SOURCE_LENGTHS, 1, "lengths_column"); // (batch, 1)
        String real = g.node("Less").inputs(row, column).outputs("real_positions").addSingle();
        g.node("Cast").inputs(real).attr("to", (long) DataType.FLOAT.getNumber()).outputs(SOURCE_MASK).add();
        // memory, zero at padding whatever the runtime leaves there
        String mask3 = unsqueeze(g, SOURCE_MASK, 2, "source_mask_3d");
        g.node("Mul").inputs(rnn.output(), mask3).outputs(MEMORY).add();

        String batch = g.node("Slice").inputs(shape, ints(g, "slice_0", 0), ints(g, "slice_1", 1))
                .outputs("batch_size").addSingle(); // (1)
        bridge(g, rnn.finalHidden(), model.bridgeHidden(), H0, batch);
        if (lstm) {
            bridge(g, rnn.finalCell(), model.bridgeCell(), C0, batch);
        }
        if (hasKeys(config)) {
            float[] w = config.attention() == Seq2SeqConfig.AttentionType.ADDITIVE
                    ? floats(((AdditiveAttention) model.attention()).keyWeight().getArray()) // (M, A)
                    : floats(((GeneralAttention) model.attention()).weight().getArray()); // (M, HD)
            String wk = g.addInitializer("attention_key_weight", w, m, keySize());
            g.node("MatMul").inputs(MEMORY, wk).outputs(KEYS).add(); // (batch, src_len, K)
        }
        stamp(g, "encoder");
        return g.toModel();
    }

    private int keySize() {
        return config.attention() == Seq2SeqConfig.AttentionType.ADDITIVE
                ? config.attentionHiddenSize()
                : config.decoderHiddenSize();
    }

    /**
     * The decoder's initial state as {@code Seq2SeqModel} computes it from the encoder's final
     * states {@code (encLayers*dirs, batch, HE)}: per layer {@code [h_f; h_b]}, the top layer repeated
     * when the layer counts differ, then CONCAT (as is), LINEAR ({@code tanh(W x + b)}) or ZERO.
     */
    private void bridge(OnnxGraphBuilder g, String states, Linear linear, String out, String batch) {
        int encLayers = config.encoderLayers();
        int decLayers = config.decoderLayers();
        int hd = config.decoderHiddenSize();
        int m = config.memorySize();
        String p = out + "_bridge";
        if (config.bridge() == Seq2SeqConfig.Bridge.ZERO) {
            String zero = g.addInitializer(g.uniqueName(p + "_zero"), new float[] {0f}, 1, 1, 1);
            String target = g.node("Concat").inputs(ints(g, p + "_layers", decLayers), batch, ints(g, p + "_hd", hd))
                    .attr("axis", 0L).outputs(g.uniqueName(p + "_shape")).addSingle();
            g.node("Expand").inputs(zero, target).outputs(out).add();
            return;
        }
        String perLayer = states;
        if (config.encoderDirections() == 2) {
            // (encL*2, batch, HE) -> (encL, 2, batch, HE) -> (encL, batch, 2, HE) -> (encL, batch, M)
            String split = g.node("Reshape").inputs(states, ints(g, p + "_split_shape", encLayers, 2, -1,
                    config.encoderHiddenSize())).outputs(g.uniqueName(p + "_directions")).addSingle();
            String t = g.node("Transpose").inputs(split).attr("perm", new long[] {0, 2, 1, 3})
                    .outputs(g.uniqueName(p + "_batch_major")).addSingle();
            perLayer = g.node("Reshape").inputs(t, ints(g, p + "_join_shape", encLayers, 0, m))
                    .outputs(g.uniqueName(p + "_joined")).addSingle();
        }
        String selected = perLayer;
        if (decLayers != encLayers) {
            String top = g.node("Slice").inputs(perLayer, ints(g, p + "_top_start", encLayers - 1),
                    ints(g, p + "_top_end", encLayers), ints(g, p + "_top_axis", 0))
                    .outputs(g.uniqueName(p + "_top")).addSingle(); // (1, batch, M)
            selected = decLayers == 1 ? top
                    : g.node("Tile").inputs(top, ints(g, p + "_repeats", decLayers, 1, 1))
                            .outputs(g.uniqueName(p + "_tiled")).addSingle();
        }
        if (linear == null) {
            g.node("Identity").inputs(selected).outputs(out).add(); // CONCAT: M == HD
            return;
        }
        float[] w = floats(linear.getParameters().get("weight").getArray()); // (HD, M)
        float[] b = floats(linear.getParameters().get("bias").getArray()); // (HD)
        String projected = matMulTransposed(g, selected, w, hd, m, p + "_weight_t");
        String biased = g.node("Add").inputs(projected, g.addInitializer(g.uniqueName(p + "_bias"), b, hd))
                .outputs(g.uniqueName(p + "_linear")).addSingle();
        g.node("Tanh").inputs(biased).outputs(out).add();
    }

    // -------------------------------------------------------------------------------- decoder step

    /** The decoder-step graph. */
    public OnnxMl.ModelProto decoderStepModel() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("seq2seq_decoder_step");
        int hd = config.decoderHiddenSize();
        int m = config.memorySize();
        int layers = config.decoderLayers();
        int v = config.targetVocabSize();
        boolean lstm = config.cell() == CellType.LSTM;
        boolean luong = config.decoderStyle() == Seq2SeqConfig.DecoderStyle.LUONG;
        g.addInput(PREVIOUS_TOKENS, DataType.INT64, dim("rows"));
        g.addInput(H, DataType.FLOAT, dim(layers), dim("rows"), dim(hd));
        if (lstm) {
            g.addInput(C, DataType.FLOAT, dim(layers), dim("rows"), dim(hd));
        }
        g.addInput(MEMORY, DataType.FLOAT, dim("rows"), dim("src_len"), dim(m));
        g.addInput(SOURCE_MASK, DataType.FLOAT, dim("rows"), dim("src_len"));
        if (hasKeys(config)) {
            g.addInput(KEYS, DataType.FLOAT, dim("rows"), dim("src_len"), dim(keySize()));
        }
        if (config.inputFeeding()) {
            g.addInput(FEED, DataType.FLOAT, dim("rows"), dim(hd));
        }
        if (config.coverage()) {
            g.addInput(COVERAGE, DataType.FLOAT, dim("rows"), dim("src_len"));
        }
        if (hasCandidates(config)) {
            g.addInput(TOP_K, DataType.INT64, dim(1));
        }
        g.addOutput(LOG_PROBS, DataType.FLOAT, dim("rows"), dim(v));
        g.addOutput(H_NEXT, DataType.FLOAT, dim(layers), dim("rows"), dim(hd));
        if (lstm) {
            g.addOutput(C_NEXT, DataType.FLOAT, dim(layers), dim("rows"), dim(hd));
        }
        g.addOutput(ATTENTION, DataType.FLOAT, dim("rows"), dim("src_len"));
        if (config.inputFeeding()) {
            g.addOutput(FEED_NEXT, DataType.FLOAT, dim("rows"), dim(hd));
        }
        if (config.coverage()) {
            g.addOutput(COVERAGE_NEXT, DataType.FLOAT, dim("rows"), dim("src_len"));
        }
        if (config.copy()) {
            g.addOutput(GENERATION_LOGITS, DataType.FLOAT, dim("rows"));
        }
        if (hasCandidates(config)) {
            g.addOutput(TOP_LOG_PROBS, DataType.FLOAT, dim("rows"), dim("top_k"));
            g.addOutput(TOP_IDS, DataType.INT64, dim("rows"), dim("top_k"));
        }

        boolean folded = usesGateTable();
        String embedded = null; // (rows, E), when the cell or the copy switch reads it
        if (!folded || config.copy()) {
            String table = g.addInitializer("target_embedding", floats(model.targetEmbedding().weight()), v,
                    config.embeddingSize());
            embedded = g.node("Gather").inputs(table, PREVIOUS_TOKENS).attr("axis", 0L).outputs("target_embedded")
                    .addSingle();
        }
        Layer0Input first = new Layer0Input(folded, embedded);
        List<String> hs = new ArrayList<>();
        List<String> cs = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            String index = scalar(g, "layer_" + l, l);
            hs.add(g.node("Gather").inputs(H, index).attr("axis", 0L).outputs("h_layer" + l).addSingle()); // (rows, HD)
            if (lstm) {
                cs.add(g.node("Gather").inputs(C, index).attr("axis", 0L).outputs("c_layer" + l).addSingle());
            }
        }
        String output;
        String weights;
        String context;
        List<String[]> next;
        if (!luong) {
            String[] attended = attend(g, hs.get(layers - 1)); // query: the previous top hidden state
            weights = attended[1];
            context = attended[0];
            next = runCells(g, first.with(attended[0]), hs, cs); // input [embedded, context]
            output = next.get(layers - 1)[0];
        } else {
            next = runCells(g, config.inputFeeding() ? first.with(FEED) : first, hs, cs); // [embedded (, feed)]
            String h = next.get(layers - 1)[0];
            String[] attended = attend(g, h);
            weights = attended[1];
            context = attended[0];
            String joined = g.node("Concat").inputs(attended[0], h).attr("axis", 1L).outputs("context_and_hidden")
                    .addSingle(); // (rows, M + HD)
            String combined = matMulTransposed(g, joined, floats(model.combineWeight()), hd, m + hd,
                    "combine_weight_t");
            output = g.node("Tanh").inputs(combined).outputs(config.inputFeeding() ? FEED_NEXT : "attentional")
                    .addSingle(); // (rows, HD)
        }
        g.node("Identity").inputs(weights).outputs(ATTENTION).add();
        if (config.coverage()) {
            g.node("Add").inputs(COVERAGE, weights).outputs(COVERAGE_NEXT).add();
        }
        if (config.copy()) {
            // z = copy_weight . [context, top hidden state, embedded previous token] + copy_bias
            String joined = g.node("Concat").inputs(context, next.get(layers - 1)[0], embedded).attr("axis", 1L)
                    .outputs("copy_switch_input").addSingle(); // (rows, M + HD + E)
            int width = config.memorySize() + hd + config.embeddingSize();
            String z = matMulTransposed(g, joined, floats(model.copyWeight()), 1, width, "copy_weight_t"); // (rows, 1)
            String zb = g.node("Add").inputs(z, g.addInitializer("copy_bias", floats(model.copyBias()), 1))
                    .outputs("copy_switch_biased").addSingle();
            g.node("Squeeze").inputs(zb, ints(g, "copy_switch_axes", 1)).outputs(GENERATION_LOGITS).add();
        }
        stackStates(g, next, 0, H_NEXT);
        if (lstm) {
            stackStates(g, next, 1, C_NEXT);
        }
        String logits = matMulTransposed(g, output, floats(model.outputWeight()), v, hd, "output_weight_t");
        String biased = g.node("Add").inputs(logits, g.addInitializer("output_bias", floats(model.outputBias()), v))
                .outputs("logits").addSingle();
        g.node("LogSoftmax").inputs(biased).attr("axis", 1L).outputs(LOG_PROBS).add();
        if (hasCandidates(config)) { // ONNX TopK puts the lower index first among equal values
            g.node("TopK").inputs(LOG_PROBS, TOP_K).attr("axis", 1L).attr("largest", 1L).attr("sorted", 1L)
                    .outputs(TOP_LOG_PROBS, TOP_IDS).add();
        }
        stamp(g, "decoder_step");
        return g.toModel();
    }

    /** Each layer's new (h, c) stacked to {@code (L, rows, HD)}. */
    private static void stackStates(OnnxGraphBuilder g, List<String[]> states, int which, String out) {
        String[] parts = new String[states.size()];
        for (int l = 0; l < parts.length; l++) {
            parts[l] = unsqueeze(g, states.get(l)[which], 0, g.uniqueName(out + "_layer" + l));
        }
        if (parts.length == 1) {
            g.node("Identity").inputs(parts[0]).outputs(out).add();
        } else {
            g.node("Concat").inputs(parts).attr("axis", 0L).outputs(out).add();
        }
    }

    /**
     * The first decoder layer's input: the previous token's embedding (or its row of the gate table),
     * then optionally {@code rest (rows, in - E)}: the context (BAHDANAU) or the fed attentional state.
     */
    private record Layer0Input(boolean folded, String embedded, String rest) {
        Layer0Input(boolean folded, String embedded) {
            this(folded, embedded, null);
        }

        Layer0Input with(String rest) {
            return new Layer0Input(folded, embedded, rest);
        }
    }

    /** Runs the decoder layers; returns per layer {h, c} ({@code c} null for GRU). */
    private List<String[]> runCells(OnnxGraphBuilder g, Layer0Input first, List<String> hs, List<String> cs) {
        List<String[]> next = new ArrayList<>();
        int hd = config.decoderHiddenSize();
        String x = null;
        for (int l = 0; l < config.decoderLayers(); l++) {
            RecurrentWeights w = model.decoderWeights(l);
            int in = l == 0 ? config.decoderInputSize() : hd;
            float[] wi = floats(w.i2hWeight());
            float[] wh = floats(w.h2hWeight());
            float[] bi = floats(w.i2hBias());
            float[] bh = floats(w.h2hBias());
            int rows = config.cell().gates() * hd;
            String p = "decoder" + l;
            boolean lstmCell = config.cell() == CellType.LSTM;
            boolean biasInTable = l == 0 && first.folded();
            String xi;
            if (biasInTable) { // x W_i^T + b = table[token] (+ rest W_rest^T)
                int e = config.embeddingSize();
                float[] bias = lstmCell ? sum(bi, bh) : bi;
                float[] gates = inputGateTable(floats(model.targetEmbedding().weight()), config.targetVocabSize(), e,
                        wi, in, bias);
                String table = g.addInitializer(p + "_input_gate_table", gates,
                        config.targetVocabSize(), rows);
                xi = g.node("Gather").inputs(table, PREVIOUS_TOKENS).attr("axis", 0L).outputs(p + "_xi_embedded")
                        .addSingle(); // (rows, G*HD)
                if (first.rest() != null) {
                    float[] wRest = columns(wi, rows, in, e, in);
                    String r = matMulTransposed(g, first.rest(), wRest, rows, in - e, p + "_i2h_rest_t");
                    xi = g.node("Add").inputs(xi, r).outputs(p + "_xi").addSingle();
                }
            } else {
                if (l == 0) {
                    x = first.rest() == null ? first.embedded()
                            : g.node("Concat").inputs(first.embedded(), first.rest()).attr("axis", 1L)
                                    .outputs("cell_input").addSingle(); // (rows, in)
                }
                xi = matMulTransposed(g, x, wi, rows, in, p + "_i2h_t"); // (rows, G*HD)
            }
            String hh = matMulTransposed(g, hs.get(l), wh, rows, hd, p + "_h2h_t");
            if (lstmCell) {
                String gates = g.node("Add").inputs(xi, hh).outputs(p + "_gates_raw").addSingle();
                if (!biasInTable) {
                    gates = g.node("Add").inputs(gates, g.addInitializer(p + "_bias", sum(bi, bh), rows))
                            .outputs(p + "_gates").addSingle();
                }
                List<String> ifgo = g.node("Split").inputs(gates).attr("axis", 1L)
                        .outputs(p + "_i_raw", p + "_f_raw", p + "_g_raw", p + "_o_raw").add();
                String i = g.node("Sigmoid").inputs(ifgo.get(0)).outputs(p + "_i").addSingle();
                String f = g.node("Sigmoid").inputs(ifgo.get(1)).outputs(p + "_f").addSingle();
                String cand = g.node("Tanh").inputs(ifgo.get(2)).outputs(p + "_g").addSingle();
                String o = g.node("Sigmoid").inputs(ifgo.get(3)).outputs(p + "_o").addSingle();
                String keep = g.node("Mul").inputs(f, cs.get(l)).outputs(p + "_fc").addSingle();
                String write = g.node("Mul").inputs(i, cand).outputs(p + "_ig").addSingle();
                String c = g.node("Add").inputs(keep, write).outputs(p + "_c").addSingle(); // c' = f c + i g
                String tc = g.node("Tanh").inputs(c).outputs(p + "_tanh_c").addSingle();
                String h = g.node("Mul").inputs(o, tc).outputs(p + "_h").addSingle(); // h' = o tanh(c')
                next.add(new String[] {h, c});
                x = h;
            } else {
                String gi = biasInTable ? xi
                        : g.node("Add").inputs(xi, g.addInitializer(p + "_i2h_bias", bi, rows)).outputs(p + "_gi")
                                .addSingle();
                String gh = g.node("Add").inputs(hh, g.addInitializer(p + "_h2h_bias", bh, rows)).outputs(p + "_gh")
                        .addSingle();
                List<String> in3 = g.node("Split").inputs(gi).attr("axis", 1L)
                        .outputs(p + "_gi_r", p + "_gi_z", p + "_gi_n").add();
                List<String> hh3 = g.node("Split").inputs(gh).attr("axis", 1L)
                        .outputs(p + "_gh_r", p + "_gh_z", p + "_gh_n").add();
                String r = g.node("Sigmoid").inputs(g.node("Add").inputs(in3.get(0), hh3.get(0))
                        .outputs(p + "_r_raw").addSingle()).outputs(p + "_r").addSingle();
                String z = g.node("Sigmoid").inputs(g.node("Add").inputs(in3.get(1), hh3.get(1))
                        .outputs(p + "_z_raw").addSingle()).outputs(p + "_z").addSingle();
                String rh = g.node("Mul").inputs(r, hh3.get(2)).outputs(p + "_r_hn").addSingle();
                String n = g.node("Tanh").inputs(g.node("Add").inputs(in3.get(2), rh).outputs(p + "_n_raw")
                        .addSingle()).outputs(p + "_n").addSingle();
                // h' = n - z (n - h) = (1 - z) n + z h
                String diff = g.node("Sub").inputs(n, hs.get(l)).outputs(p + "_n_minus_h").addSingle();
                String zd = g.node("Mul").inputs(z, diff).outputs(p + "_z_diff").addSingle();
                String h = g.node("Sub").inputs(n, zd).outputs(p + "_h").addSingle();
                next.add(new String[] {h, null});
                x = h;
            }
        }
        return next;
    }

    /**
     * Attention of {@code query (rows, HD)} over the memory: returns {context (rows, M), weights
     * (rows, src_len)}.
     */
    private String[] attend(OnnxGraphBuilder g, String query) {
        String scores;
        switch (config.attention()) {
            case ADDITIVE: {
                AdditiveAttention a = (AdditiveAttention) model.attention();
                int hidden = config.attentionHiddenSize();
                String wq = g.addInitializer("attention_query_weight", floats(a.queryWeight().getArray()),
                        config.decoderHiddenSize(), hidden); // (HD, A)
                String pq = g.node("MatMul").inputs(query, wq).outputs("query_projected").addSingle(); // (rows, A)
                String pq3 = unsqueeze(g, pq, 1, "query_projected_3d"); // (rows, 1, A)
                String raw = g.node("Add").inputs(pq3, KEYS).outputs("energy_raw").addSingle();
                if (config.coverage()) { // + w_c c_i: (rows, src_len, 1) times (A)
                    String wc = g.addInitializer("attention_coverage_weight", floats(a.coverageWeight().getArray()),
                            hidden);
                    String c3 = unsqueeze(g, COVERAGE, 2, "coverage_3d");
                    String pc = g.node("Mul").inputs(c3, wc).outputs("coverage_projected").addSingle();
                    raw = g.node("Add").inputs(raw, pc).outputs("energy_raw_with_coverage").addSingle();
                }
                String energy = g.node("Tanh").inputs(raw).outputs("energy").addSingle(); // (rows, src_len, A)
                // v . energy as a broadcast product and a sum over A: a (rows*src_len, A) x (A, 1) product
                // is a matrix-vector product that ONNX Runtime runs far below its GEMM rate
                String v = g.addInitializer("attention_energy_weight", floats(a.energyWeight().getArray()), hidden);
                String weighted = g.node("Mul").inputs(energy, v).outputs("energy_weighted").addSingle();
                scores = g.node("ReduceSum").inputs(weighted, ints(g, "scores_axes", 2)).attr("keepdims", 0L)
                        .outputs("scores").addSingle(); // (rows, src_len)
                break;
            }
            case DOT:
            case GENERAL: {
                String keys = config.attention() == Seq2SeqConfig.AttentionType.DOT ? MEMORY : KEYS;
                // keys . query per position as a broadcast product and a sum (a batched product with
                // one column per row runs far below ONNX Runtime's GEMM rate)
                String q3 = unsqueeze(g, query, 1, "query_row"); // (rows, 1, HD)
                String products = g.node("Mul").inputs(keys, q3).outputs("key_query_products").addSingle();
                scores = g.node("ReduceSum").inputs(products, ints(g, "scores_axes", 2)).attr("keepdims", 0L)
                        .outputs("scores").addSingle(); // (rows, src_len)
                break;
            }
            default:
                throw new UnsupportedOperationException("No ONNX export for attention " + config.attention());
        }
        // masked softmax: padded scores + (mask - 1) * 1e30, softmax, times the mask
        String shifted = g.node("Sub").inputs(SOURCE_MASK, g.addInitializer("one_float", new float[] {1f}))
                .outputs("mask_minus_one").addSingle();
        String fill = g.node("Mul").inputs(shifted, g.addInitializer("mask_fill", new float[] {MASK_FILL}))
                .outputs("mask_fill_values").addSingle();
        String filled = g.node("Add").inputs(scores, fill).outputs("scores_masked").addSingle();
        String soft = g.node("Softmax").inputs(filled).attr("axis", -1L).outputs("weights_raw").addSingle();
        String weights = g.node("Mul").inputs(soft, SOURCE_MASK).outputs("attention_weights").addSingle();
        String w3 = unsqueeze(g, weights, 2, "attention_weights_3d"); // (rows, src_len, 1)
        String weightedMemory = g.node("Mul").inputs(w3, MEMORY).outputs("weighted_memory").addSingle();
        String context = g.node("ReduceSum").inputs(weightedMemory, ints(g, "context_axes", 1)).attr("keepdims", 0L)
                .outputs("context").addSingle(); // (rows, M)
        return new String[] {context, weights};
    }

    // -------------------------------------------------------------------------------- helpers

    private static ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension dim(long size) {
        return OnnxGraphBuilder.dim(size);
    }

    private static ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension dim(String symbol) {
        return OnnxGraphBuilder.dim(symbol);
    }

    static float[] floats(NDArray array) {
        return array.toFloatArray();
    }
}
