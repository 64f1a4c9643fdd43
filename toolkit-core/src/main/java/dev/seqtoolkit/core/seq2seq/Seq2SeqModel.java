package dev.seqtoolkit.core.seq2seq;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.seqtoolkit.core.engine.HostArrays;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import dev.seqtoolkit.core.attention.AbstractAttention;
import dev.seqtoolkit.core.attention.AdditiveAttention;
import dev.seqtoolkit.core.attention.AttentionKeys;
import dev.seqtoolkit.core.attention.AttentionPooling;
import dev.seqtoolkit.core.attention.AttentionResult;
import dev.seqtoolkit.core.attention.Coverage;
import dev.seqtoolkit.core.attention.DotAttention;
import dev.seqtoolkit.core.attention.GeneralAttention;
import dev.seqtoolkit.core.nn.CellState;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.Embedding;
import dev.seqtoolkit.core.nn.GruCell;
import dev.seqtoolkit.core.nn.LstmCell;
import dev.seqtoolkit.core.nn.RecurrentCell;
import dev.seqtoolkit.core.nn.RecurrentEncoder;
import dev.seqtoolkit.core.nn.RecurrentOutput;
import dev.seqtoolkit.core.nn.RecurrentState;
import dev.seqtoolkit.core.nn.RecurrentWeights;
import dev.seqtoolkit.core.nn.StackedWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An attentional recurrent encoder-decoder (Bahdanau et al. 2015; Luong et al. 2015), configured by a
 * {@link Seq2SeqConfig}.
 *
 * <pre>
 *   encoder   source ids -> Embedding -> RecurrentEncoder (fused, bidirectional from two directions,
 *             exact per-row lengths) -> memory (batch, srcLen, M), final states
 *   bridge    final states of layer l -> decoder layer l: CONCAT [h_f; h_b], LINEAR tanh(W [h_f; h_b] + b)
 *             or ZERO (with fewer or more decoder layers, every decoder layer reads the top encoder layer)
 *   BAHDANAU  per step: context = attend(query = h_{t-1}); cells([e_t; context]); output = h_t
 *   LUONG     h_t = cells(e_t [; output_{t-1} with input feeding]); context = attend(query = h_t);
 *             output = tanh(W_c [context; h_t])
 *   logits    output W_o^T + b_o   (W_o may be the target embedding)
 *   copy      p_gen = sigmoid(w . [context; h_t; e_t] + b) per step (See et al. 2017), with h_t the
 *             new top decoder state and e_t the embedded decoder input; the final distribution
 *             p_gen P_vocab + (1 - p_gen) attention scattered onto the source's extended ids is
 *             formed by {@link PointerGenerator} (loss) and {@link DjlStepModel} (decoding)
 *   coverage  c_t = sum of the attention of steps before t feeds ADDITIVE attention's scores; the
 *             per-step coverage loss is sum_i min(a_t,i, c_t,i)
 *   utterances  (dialogues) the source cut after each separator id; attention pooling of each
 *             utterance's word states -> utterance vectors -> bidirectional RNN over them; each word's
 *             memory is [word state; its utterance's state] (the bridge reads the word encoder)
 * </pre>
 *
 * <p>Training ({@link #forwardTeacherForced}): LUONG without input feeding runs the decoder RNN over
 * the whole target with the fused kernel and attends for all positions in one batched product;
 * BAHDANAU and input feeding step explicit cells (weights stacked once per batch). The output layer
 * runs once over all positions in every style.
 *
 * <p>As a DJL block: {@code [sourceIds (batch, srcLen), sourceLengths (batch), targetInput (batch,
 * tgtLen)]} in, {@code [logits (batch, tgtLen, V), attention (batch, tgtLen, srcLen)]} out, followed
 * by {@code generationLogits (batch, tgtLen)} with copy and {@code coverageLoss (batch, tgtLen)} with
 * coverage. Ids are model ids in {@code [0, V)}: callers of a copy model map extended ids to
 * {@code <unk>} first ({@link PointerGenerator#modelIds}).
 *
 * <p>Parameters: children {@code source_embedding}, {@code target_embedding}, {@code encoder}, {@code
 * bridge_h}/{@code bridge_c} (LINEAR), {@code attention}, {@code decoder_cell{l}} (stepping styles) or
 * {@code decoder} (fused LUONG); own parameters {@code combine_weight (HD, M + HD)} (LUONG), {@code
 * output_weight (V, HD)} (unless tied) and {@code output_bias (V)}, then with copy {@code copy_weight
 * (1, M + HD + E)} and {@code copy_bias (1)}; coverage adds {@code coverageWeight} to the attention;
 * the utterance encoder adds the children {@code utterance_pooling} and {@code utterance_encoder}
 * last. Without copy, coverage and the utterance encoder the parameters and their order are those of
 * earlier versions.
 */
public final class Seq2SeqModel extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Seq2SeqConfig config;
    private final Embedding sourceEmbedding;
    private final Embedding targetEmbedding;
    private final RecurrentEncoder encoder;
    private final Linear bridgeH;
    private final Linear bridgeC;
    private final AbstractAttention attention;
    private final RecurrentCell[] cells;
    private final RecurrentEncoder decoderRnn;
    private final Parameter combineWeight;
    private final Parameter outputWeight;
    private final Parameter outputBias;
    private final Parameter copyWeight;
    private final Parameter copyBias;
    private final AttentionPooling utterancePooling;
    private final RecurrentEncoder utteranceEncoder;

    public Seq2SeqModel(Seq2SeqConfig config) {
        super(VERSION);
        this.config = config;
        int hd = config.decoderHiddenSize();
        sourceEmbedding = addChildBlock("source_embedding", Embedding.builder()
                .setVocabularySize(config.sourceVocabSize()).setEmbeddingSize(config.embeddingSize()).build());
        targetEmbedding = addChildBlock("target_embedding", Embedding.builder()
                .setVocabularySize(config.targetVocabSize()).setEmbeddingSize(config.embeddingSize()).build());
        encoder = addChildBlock("encoder", RecurrentEncoder.builder()
                .setCellType(config.cell())
                .setStateSize(config.encoderHiddenSize())
                .setNumLayers(config.encoderLayers())
                .optBidirectional(config.bidirectional())
                .optDropRate(config.dropout())
                .build());
        if (config.bridge() == Seq2SeqConfig.Bridge.LINEAR) {
            bridgeH = addChildBlock("bridge_h", Linear.builder().setUnits(hd).build());
            bridgeC = config.cell().hasCellState()
                    ? addChildBlock("bridge_c", Linear.builder().setUnits(hd).build())
                    : null;
        } else {
            bridgeH = null;
            bridgeC = null;
        }
        attention = addChildBlock("attention", newAttention(config));
        if (config.stepsInTraining()) {
            cells = new RecurrentCell[config.decoderLayers()];
            for (int l = 0; l < cells.length; l++) {
                cells[l] = addChildBlock("decoder_cell" + l, newCell(config.cell(), hd));
            }
            decoderRnn = null;
        } else {
            cells = null;
            decoderRnn = addChildBlock("decoder", RecurrentEncoder.builder()
                    .setCellType(config.cell())
                    .setStateSize(hd)
                    .setNumLayers(config.decoderLayers())
                    .optDropRate(config.dropout())
                    .build());
        }
        combineWeight = config.decoderStyle() == Seq2SeqConfig.DecoderStyle.LUONG
                ? addParameter(weight("combine_weight", new Shape(hd, config.memorySize() + hd)))
                : null;
        outputWeight = config.tieTargetEmbedding()
                ? null
                : addParameter(weight("output_weight", new Shape(config.targetVocabSize(), hd)));
        outputBias = addParameter(Parameter.builder()
                .setName("output_bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(config.targetVocabSize()))
                .build());
        if (config.copy()) {
            copyWeight = addParameter(weight("copy_weight",
                    new Shape(1, config.memorySize() + hd + config.embeddingSize())));
            copyBias = addParameter(Parameter.builder()
                    .setName("copy_bias")
                    .setType(Parameter.Type.BIAS)
                    .optShape(new Shape(1))
                    .build());
        } else {
            copyWeight = null;
            copyBias = null;
        }
        if (config.hasUtteranceEncoder()) {
            utterancePooling = addChildBlock("utterance_pooling", AttentionPooling.builder()
                    .setInputDim(config.encoderStateSize()).setHiddenDim(config.utteranceHiddenSize()).build());
            utteranceEncoder = addChildBlock("utterance_encoder", RecurrentEncoder.builder()
                    .setCellType(config.cell())
                    .setStateSize(config.utteranceHiddenSize())
                    .setNumLayers(1)
                    .optBidirectional(true)
                    .build());
        } else {
            utterancePooling = null;
            utteranceEncoder = null;
        }
    }

    /**
     * A new model with Xavier-initialised weights (zero biases), ready to train.
     *
     * @param manager where the parameters live
     */
    public static Seq2SeqModel create(Seq2SeqConfig config, NDManager manager) {
        Seq2SeqModel model = new Seq2SeqModel(config);
        model.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1), new Shape(1, 1));
        return model;
    }

    private static Parameter weight(String name, Shape shape) {
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(shape).build();
    }

    private static AbstractAttention newAttention(Seq2SeqConfig config) {
        switch (config.attention()) {
            case ADDITIVE:
                return AdditiveAttention.builder()
                        .setQueryDim(config.decoderHiddenSize())
                        .setKeyDim(config.memorySize())
                        .setHiddenDim(config.attentionHiddenSize())
                        .optCoverage(config.coverage())
                        .build();
            case DOT:
                return DotAttention.builder().build();
            case GENERAL:
                return GeneralAttention.builder()
                        .setQueryDim(config.decoderHiddenSize())
                        .setKeyDim(config.memorySize())
                        .build();
            default:
                throw new AssertionError(config.attention());
        }
    }

    static RecurrentCell newCell(CellType type, int hidden) {
        return type == CellType.LSTM
                ? LstmCell.builder().setStateSize(hidden).build()
                : GruCell.builder().setStateSize(hidden).build();
    }

    public Seq2SeqConfig config() {
        return config;
    }

    /** The source embedding {@code (sourceVocab, E)}. */
    public Embedding sourceEmbedding() {
        return sourceEmbedding;
    }

    /** The target embedding {@code (targetVocab, E)}; the output weight too when tied. */
    public Embedding targetEmbedding() {
        return targetEmbedding;
    }

    /** The source encoder. */
    public RecurrentEncoder encoder() {
        return encoder;
    }

    /** The attention block. */
    public AbstractAttention attention() {
        return attention;
    }

    /**
     * The live weights of decoder layer {@code layer} in DJL's fused layout ({@code i2h (G*HD, in)},
     * {@code h2h (G*HD, HD)}, biases {@code (G*HD)}), whether the decoder steps explicit cells or runs
     * the fused LUONG block; for export.
     */
    public RecurrentWeights decoderWeights(int layer) {
        if (layer < 0 || layer >= config.decoderLayers()) {
            throw new IndexOutOfBoundsException(
                    "decoder layer " + layer + " outside [0, " + config.decoderLayers() + ")");
        }
        return cells != null ? cells[layer].weights() : decoderRnn.weights(layer, 0);
    }

    /** The bridge layer for h ({@code weight (HD, M)}, {@code bias (HD)}); null unless the bridge is LINEAR. */
    public Linear bridgeHidden() {
        return bridgeH;
    }

    /** The bridge layer for the LSTM cell state; null unless the bridge is LINEAR and the cell LSTM. */
    public Linear bridgeCell() {
        return bridgeC;
    }

    /** LUONG's {@code combine_weight (HD, M + HD)}; null for BAHDANAU. */
    public NDArray combineWeight() {
        return combineWeight == null ? null : combineWeight.getArray();
    }

    /** The output weight {@code (V, HD)}: the target embedding when tied. */
    public NDArray outputWeight() {
        return outputWeight == null ? targetEmbedding.weight() : outputWeight.getArray();
    }

    /** The output bias {@code (V)}. */
    public NDArray outputBias() {
        return outputBias.getArray();
    }

    /** The generation switch's weight {@code (1, M + HD + E)} over {@code [context; h; e]}; null without copy. */
    public NDArray copyWeight() {
        return copyWeight == null ? null : copyWeight.getArray();
    }

    /** The generation switch's bias {@code (1)}; null without copy. */
    public NDArray copyBias() {
        return copyBias == null ? null : copyBias.getArray();
    }

    // ------------------------------------------------------------------------------------ encoder

    /**
     * Encodes a padded batch of sources.
     *
     * @param sourceIds {@code (batch, srcLen)} integer ids, padding after each row's length
     * @param sourceLengths {@code (batch)} integer lengths in {@code [1, srcLen]} (read to the host)
     * @return memory, mask, initial decoder state and attention keys, in {@code sourceIds}' manager
     */
    public Encoded encode(ParameterStore ps, NDArray sourceIds, NDArray sourceLengths, boolean training) {
        Shape s = sourceIds.getShape();
        if (s.dimension() != 2 || s.get(0) < 1 || s.get(1) < 1) {
            throw new IllegalArgumentException("sourceIds must be (batch, srcLen) with batch, srcLen >= 1, got " + s);
        }
        long batch = s.get(0);
        long srcLen = s.get(1);
        if (!sourceLengths.getShape().equals(new Shape(batch))) {
            throw new IllegalArgumentException(
                    "sourceLengths must be (batch) = (" + batch + "), got " + sourceLengths.getShape()
                            + " for sourceIds " + s);
        }
        int[] lengths = hostLengths(sourceLengths, srcLen);
        boolean full = Arrays.stream(lengths).allMatch(l -> l == srcLen);
        float[] maskValues = new float[(int) (batch * srcLen)];
        for (int r = 0; r < batch; r++) {
            Arrays.fill(maskValues, (int) (r * srcLen), (int) (r * srcLen + lengths[r]), 1f);
        }
        NDManager caller = sourceIds.getManager();
        NDArray memory;
        RecurrentState initial;
        NDArray mask;
        // the attention keeps the mask for the backward pass after this method's arrays are closed
        mask = HostArrays.owned(caller, maskValues, new Shape(batch, srcLen));
        try (NDManager scope = caller.newSubManager()) {
            sourceIds.tempAttach(scope);
            sourceLengths.tempAttach(scope);
            NDArray x = dropout(sourceEmbedding.embed(ps, sourceIds, training), training); // (batch, srcLen, E)
            RecurrentOutput out = encoder.forward(ps, x, full ? null : sourceLengths, null, training);
            memory = out.output(); // (batch, srcLen, directions * HE), zero at padding
            if (utteranceEncoder != null) {
                memory = withUtterances(ps, memory, sourceIds, lengths, training); // (batch, srcLen, M)
            }
            initial = bridge(ps, out.state(), batch, training); // (decoderLayers, batch, HD)
            memory.attach(caller);
            initial.h().attach(caller);
            if (initial.c() != null) {
                initial.c().attach(caller);
            }
        }
        AttentionKeys keys = attention.precomputeKeys(ps, memory, training);
        return new Encoded(memory, mask, initial, keys, lengths);
    }

    /**
     * Appends to each word's state the state of its utterance: utterances end after each separator
     * id; attention pooling turns each into a vector; a bidirectional RNN reads a row's utterance
     * vectors with the row's own count.
     *
     * @param words {@code (batch, srcLen, directions * HE)}, zero at padding
     * @param sourceIds {@code (batch, srcLen)} the ids (read to the host)
     * @return {@code (batch, srcLen, M)}, zero at padding
     */
    private NDArray withUtterances(ParameterStore ps, NDArray words, NDArray sourceIds, int[] lengths,
            boolean training) {
        int batch = lengths.length;
        int srcLen = (int) words.getShape().get(1);
        int[] ids;
        try (NDArray converted = sourceIds.toType(DataType.INT32, true)) {
            ids = converted.toIntArray();
        }
        int[] utterance = new int[batch * srcLen]; // utterance of each real position
        int[] counts = new int[batch];
        for (int r = 0; r < batch; r++) {
            int u = 0;
            for (int i = 0; i < lengths[r]; i++) {
                utterance[r * srcLen + i] = u;
                if (ids[r * srcLen + i] == config.utteranceSeparatorId()) {
                    u++;
                }
            }
            counts[r] = utterance[r * srcLen + lengths[r] - 1] + 1; // a trailing separator opens nothing
        }
        int most = Arrays.stream(counts).max().orElse(1);
        float[] segments = new float[batch * most * srcLen]; // (batch, utterances, srcLen)
        for (int r = 0; r < batch; r++) {
            for (int i = 0; i < lengths[r]; i++) {
                segments[(r * most + utterance[r * srcLen + i]) * srcLen + i] = 1f;
            }
        }
        NDManager manager = words.getManager();
        NDArray segmentMask = HostArrays.owned(manager, segments, new Shape(batch, most, srcLen));
        NDArray vectors = utterancePooling.poolSegments(ps, words, segmentMask, training).pooled(); // (b, U, dir*HE)
        NDArray uttLengths = manager.create(counts); // (batch)
        boolean full = Arrays.stream(counts).allMatch(c -> c == most);
        NDArray states = utteranceEncoder.forward(ps, vectors, full ? null : uttLengths, null, training)
                .output(); // (batch, U, 2 * HU), zero past each row's count
        NDArray perWord = segmentMask.transpose(0, 2, 1).matMul(states); // (batch, srcLen, 2 * HU)
        return words.concat(perWord, 2);
    }

    private static int[] hostLengths(NDArray sourceLengths, long srcLen) {
        if (!sourceLengths.getDataType().isInteger()) {
            throw new IllegalArgumentException("sourceLengths must be integers, got " + sourceLengths.getDataType());
        }
        int[] lengths;
        try (NDArray converted = sourceLengths.toType(DataType.INT32, true)) {
            lengths = converted.toIntArray();
        }
        for (int length : lengths) {
            if (length < 1 || length > srcLen) {
                throw new IllegalArgumentException(
                        "sourceLengths must be in [1, " + srcLen + "] (srcLen), got " + Arrays.toString(lengths));
            }
        }
        return lengths;
    }

    /**
     * The decoder's initial state from the encoder's final states.
     *
     * @param finalState {@code (encoderLayers * dirs, batch, HE)}
     * @return {@code (decoderLayers, batch, HD)}
     */
    private RecurrentState bridge(ParameterStore ps, RecurrentState finalState, long batch, boolean training) {
        int hd = config.decoderHiddenSize();
        if (config.bridge() == Seq2SeqConfig.Bridge.ZERO) {
            NDManager m = finalState.h().getManager();
            Shape shape = new Shape(config.decoderLayers(), batch, hd);
            return new RecurrentState(m.zeros(shape), config.cell().hasCellState() ? m.zeros(shape) : null);
        }
        NDArray h = bridgeOne(ps, finalState.h(), bridgeH, batch, training);
        NDArray c = config.cell().hasCellState() ? bridgeOne(ps, finalState.c(), bridgeC, batch, training) : null;
        return new RecurrentState(h, c);
    }

    private NDArray bridgeOne(ParameterStore ps, NDArray states, Linear layer, long batch, boolean training) {
        int encLayers = config.encoderLayers();
        int dirs = config.encoderDirections();
        int decLayers = config.decoderLayers();
        NDArray perLayer = dirs == 1
                ? states
                : states.reshape(encLayers, dirs, batch, config.encoderHiddenSize())
                        .transpose(0, 2, 1, 3)
                        .reshape(encLayers, batch, config.encoderStateSize()); // (encLayers, batch, 2 HE) = [h_f; h_b]
        NDArray selected = perLayer;
        if (decLayers != encLayers) {
            NDArray top = perLayer.get(new NDIndex("{}:{}", encLayers - 1, encLayers)); // (1, batch, M)
            NDList copies = new NDList();
            for (int l = 0; l < decLayers; l++) {
                copies.add(top);
            }
            selected = decLayers == 1 ? top : NDArrays.concat(copies, 0);
        }
        if (layer == null) {
            return selected; // CONCAT: M == HD
        }
        return layer.forward(ps, new NDList(selected), training).singletonOrThrow().tanh();
    }

    // ------------------------------------------------------------------------------------ decoder

    /**
     * The decoder's explicit cells with their weights stacked, for {@link #step}. For the fused LUONG
     * decoder the cells are copies of its weights (inference only).
     *
     * @param manager where the stacked weights (and copies) live; close the result when done
     */
    DecoderCells decoderCells(ParameterStore ps, NDManager manager, boolean training) {
        Device device = manager.getDevice();
        RecurrentCell[] use = cells;
        NDManager owned = null;
        if (use == null) {
            if (training) {
                throw new IllegalStateException("the fused LUONG decoder trains over the whole target, not per step");
            }
            owned = manager.newSubManager();
            int hd = config.decoderHiddenSize();
            use = new RecurrentCell[config.decoderLayers()];
            for (int l = 0; l < use.length; l++) {
                use[l] = newCell(config.cell(), hd);
                use[l].initialize(owned, DataType.FLOAT32, new Shape(1, l == 0 ? config.embeddingSize() : hd));
                use[l].weights().copyFrom(decoderRnn.weights(l, 0));
            }
        }
        StackedWeights[] stacked = new StackedWeights[use.length];
        for (int l = 0; l < use.length; l++) {
            stacked[l] = use[l].stackWeights(ps, manager, device, training);
        }
        return new DecoderCells(use, stacked, owned);
    }

    /** Splits {@code (layers, rows, HD)} into one cell state per layer. */
    static List<CellState> perLayer(RecurrentState state) {
        int layers = (int) state.h().getShape().get(0);
        List<CellState> list = new ArrayList<>(layers);
        for (int l = 0; l < layers; l++) {
            list.add(new CellState(state.h().get(l), state.c() == null ? null : state.c().get(l)));
        }
        return list;
    }

    /**
     * One decoder step for all rows, with explicit cells. Results land in {@code embedded}'s manager
     * (or those of the state arrays); the caller scopes them.
     *
     * @param embedded {@code (rows, E)} embedding of the previous token
     * @param state each layer's state {@code (rows, HD)}
     * @param feed the previous step's output {@code (rows, HD)} with input feeding, else null
     * @param memory {@code (rows, srcLen, M)} encoder memory of the same rows
     * @param keys the memory prepared by {@link #attention()}
     * @param mask {@code (rows, srcLen)} source mask
     * @param coverage {@code (rows, srcLen)} the attention of the earlier steps summed, with coverage;
     *     else null
     */
    DecoderStep step(ParameterStore ps, DecoderCells decoder, NDArray embedded, List<CellState> state, NDArray feed,
            NDArray memory, AttentionKeys keys, NDArray mask, NDArray coverage, boolean training) {
        int top = decoder.layers() - 1;
        NDArray cov = coverage == null ? null : coverage.expandDims(1); // (rows, 1, srcLen)
        if (config.decoderStyle() == Seq2SeqConfig.DecoderStyle.BAHDANAU) {
            NDArray query = state.get(top).h().expandDims(1); // (rows, 1, HD): previous hidden state
            AttentionResult a = attention.attend(ps, query, keys, memory, mask, cov, training);
            NDArray context = a.context().squeeze(1); // (rows, M)
            NDArray x = embedded.concat(context, 1); // (rows, E + M)
            List<CellState> next = runCells(decoder, x, state, training);
            return new DecoderStep(next, next.get(top).h(), a.weights().squeeze(1), context);
        }
        NDArray x = feed == null ? embedded : embedded.concat(feed, 1); // (rows, E [+ HD])
        List<CellState> next = runCells(decoder, x, state, training);
        NDArray h = next.get(top).h(); // (rows, HD)
        AttentionResult a = attention.attend(ps, h.expandDims(1), keys, memory, mask, cov, training);
        NDArray context = a.context().squeeze(1); // (rows, M)
        NDArray output = combine(ps, context, h, training); // (rows, HD)
        return new DecoderStep(next, output, a.weights().squeeze(1), context);
    }

    private List<CellState> runCells(DecoderCells decoder, NDArray x, List<CellState> state, boolean training) {
        List<CellState> next = new ArrayList<>(decoder.layers());
        for (int l = 0; l < decoder.layers(); l++) {
            CellState s = decoder.cell(l).step(decoder.weights(l), x, state.get(l));
            next.add(s);
            x = l + 1 < decoder.layers() ? dropout(s.h(), training) : s.h();
        }
        return next;
    }

    /** LUONG's attentional vector {@code tanh(W_c [context; h])}: {@code (..., M), (..., HD) -> (..., HD)}. */
    private NDArray combine(ParameterStore ps, NDArray context, NDArray h, boolean training) {
        Shape hs = h.getShape();
        int last = hs.dimension() - 1;
        NDArray joined = context.concat(h, last).reshape(-1, config.memorySize() + config.decoderHiddenSize());
        NDArray w = ps.getValue(combineWeight, h.getDevice(), training); // (HD, M + HD)
        return Linear.linear(joined, w).singletonOrThrow().tanh().reshape(hs);
    }

    /** The output layer: {@code (..., HD) -> (..., V)}. */
    NDArray project(ParameterStore ps, NDArray outputs, boolean training) {
        Shape s = outputs.getShape();
        Device device = outputs.getDevice();
        NDArray w = outputWeight == null
                ? ps.getValue(targetEmbedding.getParameters().get("embedding"), device, training) // (V, E == HD)
                : ps.getValue(outputWeight, device, training); // (V, HD)
        NDArray b = ps.getValue(outputBias, device, training);
        NDArray flat = outputs.reshape(-1, config.decoderHiddenSize());
        NDArray logits = Linear.linear(flat, w, b).singletonOrThrow(); // (n, V)
        return logits.reshape(s.slice(0, s.dimension() - 1).addAll(new Shape(config.targetVocabSize())));
    }

    /**
     * The copy switch before its sigmoid, {@code z = w . [context; h; e] + b}, so that {@code p_gen =
     * sigmoid(z)}: {@code (..., M), (..., HD), (..., E) -> (...)}.
     *
     * @param context the attention context of each step
     * @param hidden the new top decoder state of each step
     * @param embedded the embedded decoder input of each step
     */
    NDArray generationLogits(ParameterStore ps, NDArray context, NDArray hidden, NDArray embedded, boolean training) {
        if (copyWeight == null) {
            throw new IllegalStateException("this model has no copy mechanism (config.copy is false)");
        }
        Shape s = hidden.getShape();
        int last = s.dimension() - 1;
        int width = config.memorySize() + config.decoderHiddenSize() + config.embeddingSize();
        NDArray joined = context.concat(hidden, last).concat(embedded, last).reshape(-1, width); // (n, M + HD + E)
        NDArray w = ps.getValue(copyWeight, hidden.getDevice(), training); // (1, M + HD + E)
        NDArray b = ps.getValue(copyBias, hidden.getDevice(), training); // (1)
        return Linear.linear(joined, w, b).singletonOrThrow().reshape(s.slice(0, last)); // (...)
    }

    NDArray dropout(NDArray x, boolean training) {
        return training && config.dropout() > 0f ? Dropout.dropout(x, config.dropout(), true).singletonOrThrow() : x;
    }

    /**
     * Teacher-forced forward: the logits of every target position given the true previous tokens.
     *
     * @param sourceIds {@code (batch, srcLen)} integer ids in {@code [0, V)}
     * @param sourceLengths {@code (batch)} integer lengths in {@code [1, srcLen]}
     * @param targetInput {@code (batch, tgtLen)} decoder input {@code <bos> y}, padded, ids in {@code [0, V)}
     * @return logits {@code (batch, tgtLen, V)} and attention {@code (batch, tgtLen, srcLen)}, with copy
     *     the generation logits {@code (batch, tgtLen)}, with coverage the coverage loss {@code (batch,
     *     tgtLen)} (unmasked, unweighted); all in {@code sourceIds}' manager
     */
    public Seq2SeqOutput forwardTeacherForced(ParameterStore ps, NDArray sourceIds, NDArray sourceLengths,
            NDArray targetInput, boolean training) {
        Shape t = targetInput.getShape();
        if (t.dimension() != 2 || t.get(0) != sourceIds.getShape().get(0) || t.get(1) < 1) {
            throw new IllegalArgumentException("targetInput must be (batch, tgtLen) with the batch of sourceIds "
                    + sourceIds.getShape() + " and tgtLen >= 1, got " + t);
        }
        NDManager caller = sourceIds.getManager();
        try (NDManager scope = caller.newSubManager()) {
            sourceIds.tempAttach(scope);
            sourceLengths.tempAttach(scope);
            targetInput.tempAttach(scope);
            Encoded encoded = encode(ps, sourceIds, sourceLengths, training);
            NDArray embedded = dropout(targetEmbedding.embed(ps, targetInput, training), training); // (batch, T, E)
            NDArray outputs;
            NDArray weights;
            NDArray contexts = null; // (batch, T, M), with copy
            NDArray hiddens = null; // (batch, T, HD), with copy
            NDArray coverageLoss = null; // (batch, T), with coverage
            if (cells == null) {
                // LUONG, fused: the decoder RNN over the whole target, attention for all positions at once
                RecurrentOutput rnn = decoderRnn.forward(ps, embedded, null, encoded.initialState(), training);
                NDArray h = rnn.output(); // (batch, T, HD)
                AttentionResult a = attention.attend(
                        ps, h, encoded.keys(), encoded.memory(), encoded.sourceMask(), training);
                outputs = combine(ps, a.context(), h, training); // (batch, T, HD)
                weights = a.weights(); // (batch, T, srcLen)
                contexts = a.context();
                hiddens = h;
            } else {
                DecoderCells decoder = decoderCells(ps, scope, training);
                List<CellState> state = perLayer(encoded.initialState());
                int top = decoder.layers() - 1;
                NDArray feed = config.inputFeeding()
                        ? scope.zeros(new Shape(t.get(0), config.decoderHiddenSize()))
                        : null;
                NDArray coverage = config.coverage() ? scope.zeros(encoded.sourceMask().getShape()) : null;
                NDList outs = new NDList();
                NDList atts = new NDList();
                NDList ctxs = new NDList();
                NDList tops = new NDList();
                for (long i = 0; i < t.get(1); i++) {
                    NDArray e = embedded.get(new NDIndex(":, {}", i)); // (batch, E)
                    DecoderStep step = step(ps, decoder, e, state, feed,
                            encoded.memory(), encoded.keys(), encoded.sourceMask(), coverage, training);
                    state = step.state();
                    feed = config.inputFeeding() ? step.output() : null;
                    outs.add(step.output());
                    atts.add(step.attention());
                    if (config.copy()) {
                        ctxs.add(step.context());
                        tops.add(state.get(top).h());
                    }
                    if (coverage != null) {
                        coverage = coverage.add(step.attention()); // (batch, srcLen): what the next step reads
                    }
                }
                outputs = stack(outs); // (batch, T, HD)
                weights = stack(atts); // (batch, T, srcLen)
                if (config.copy()) {
                    contexts = stack(ctxs); // (batch, T, M)
                    hiddens = stack(tops); // (batch, T, HD)
                }
                if (coverage != null) {
                    coverageLoss = Coverage.stepLosses(weights); // (batch, T)
                }
            }
            NDArray logits = project(ps, dropout(outputs, training), training); // (batch, T, V)
            NDArray generation = config.copy()
                    ? generationLogits(ps, contexts, hiddens, embedded, training) // (batch, T)
                    : null;
            logits.attach(caller);
            weights.attach(caller);
            if (generation != null) {
                generation.attach(caller);
            }
            if (coverageLoss != null) {
                coverageLoss.attach(caller);
            }
            return new Seq2SeqOutput(logits, weights, generation, coverageLoss);
        }
    }

    /** Stacks {@code (batch, d)} arrays on axis 1; one array is expanded (NDArrays.concat of one loses gradients). */
    private static NDArray stack(NDList arrays) {
        return arrays.size() == 1 ? arrays.get(0).expandDims(1) : NDArrays.stack(arrays, 1);
    }

    // ------------------------------------------------------------------------------------ block

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 3) {
            throw new IllegalArgumentException(
                    "Seq2SeqModel expects [sourceIds, sourceLengths, targetInput], got " + inputs.size() + " arrays");
        }
        return forwardTeacherForced(ps, inputs.get(0), inputs.get(1), inputs.get(2), training).toList();
    }

    /** Inputs {@code [(batch, srcLen), (batch), (batch, tgtLen)]}; outputs as {@link Seq2SeqOutput#toList()}. */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape src = inputs[0];
        Shape tgt = inputs[2];
        List<Shape> shapes = new ArrayList<>(List.of(
                new Shape(tgt.get(0), tgt.get(1), config.targetVocabSize()),
                new Shape(tgt.get(0), tgt.get(1), src.get(1))));
        if (config.copy()) {
            shapes.add(new Shape(tgt.get(0), tgt.get(1)));
        }
        if (config.coverage()) {
            shapes.add(new Shape(tgt.get(0), tgt.get(1)));
        }
        return shapes.toArray(new Shape[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (inputShapes.length != 3) {
            throw new IllegalArgumentException(
                    "Seq2SeqModel initializes from [(batch, srcLen), (batch), (batch, tgtLen)], got "
                            + inputShapes.length + " shapes");
        }
        Shape src = inputShapes[0];
        Shape tgt = inputShapes[2];
        long batch = src.get(0);
        int hd = config.decoderHiddenSize();
        int m = config.memorySize();
        sourceEmbedding.initialize(manager, dataType, src);
        targetEmbedding.initialize(manager, dataType, tgt);
        encoder.initialize(manager, dataType, new Shape(batch, src.get(1), config.embeddingSize()));
        Shape bridgeIn = new Shape(config.decoderLayers(), batch, config.encoderStateSize());
        if (bridgeH != null) {
            bridgeH.initialize(manager, dataType, bridgeIn);
        }
        if (bridgeC != null) {
            bridgeC.initialize(manager, dataType, bridgeIn);
        }
        Shape memory = new Shape(batch, src.get(1), m);
        attention.initialize(manager, dataType, new Shape(batch, 1, hd), memory, memory);
        if (utteranceEncoder != null) {
            int words = config.encoderStateSize();
            utterancePooling.initialize(manager, dataType, new Shape(batch, src.get(1), words));
            utteranceEncoder.initialize(manager, dataType, new Shape(batch, 1, words));
        }
        if (cells != null) {
            for (int l = 0; l < cells.length; l++) {
                cells[l].initialize(manager, dataType, new Shape(batch, l == 0 ? config.decoderInputSize() : hd));
            }
        } else {
            decoderRnn.initialize(manager, dataType, new Shape(batch, tgt.get(1), config.embeddingSize()));
        }
    }
}
