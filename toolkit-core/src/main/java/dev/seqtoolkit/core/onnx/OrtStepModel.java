package dev.seqtoolkit.core.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.decode.DecoderState;
import dev.seqtoolkit.core.decode.SpecialIds;
import dev.seqtoolkit.core.decode.StepModel;
import dev.seqtoolkit.core.decode.StepOutput;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.seq2seq.PointerGenerator;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link StepModel} over the two graphs {@link Seq2SeqExporter} writes, run in ONNX Runtime, so
 * {@link dev.seqtoolkit.core.decode.GreedySearch} and {@link dev.seqtoolkit.core.decode.BeamSearch}
 * run unchanged on it.
 *
 * <p>States hold ONNX Runtime tensors, never written after creation: the encoder's outputs are
 * fed to every decoder step as they are, and each step's recurrent outputs become the next step's
 * inputs, so a step copies nothing but its log-probabilities and attention out to the Java heap.
 * {@link DecoderState#reorder} copies rows only when the rows change, and keeps the source tensors
 * whenever every row still comes from the same sentence (a beam search between finished
 * sentences). Each state holds native memory until it is closed, as the {@link DecoderState}
 * contract asks.
 *
 * <p><b>Copy and coverage.</b> As {@link dev.seqtoolkit.core.seq2seq.DjlStepModel}: a copy model's
 * sources may hold extended ids (read by the graphs as {@code <unk>}), and its steps return
 * log-probabilities over the batch's extended vocabulary, the graph's vocabulary distribution, attention
 * and generation logit mixed on the host by {@link PointerGenerator#mix}. A coverage model's state
 * carries the coverage tensor, which the step reads and advances.
 *
 * <p><b>Threads.</b> Safe for concurrent use: the sessions are ({@link OnnxModel}), and each
 * decode owns its states. {@link #close()} closes the sessions; do it after the last
 * call.
 */
public final class OrtStepModel implements StepModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OnnxModel encoder;
    private final OnnxModel decoder;
    private final Seq2SeqConfig config;
    private final boolean lstm;
    private final boolean keys;
    private final int keySize;
    private final boolean candidates;
    private final Set<String> fullOutputs;
    private final Set<String> candidateOutputs;

    private OrtStepModel(OnnxModel encoder, OnnxModel decoder, Seq2SeqConfig config) {
        this.encoder = encoder;
        this.decoder = decoder;
        this.config = config;
        this.candidates = decoder.inputRanks().containsKey(Seq2SeqExporter.TOP_K);
        this.fullOutputs = new HashSet<>(decoder.outputRanks().keySet());
        fullOutputs.removeAll(List.of(Seq2SeqExporter.TOP_LOG_PROBS, Seq2SeqExporter.TOP_IDS));
        this.candidateOutputs = new HashSet<>(decoder.outputRanks().keySet());
        candidateOutputs.remove(Seq2SeqExporter.LOG_PROBS);
        this.lstm = config.cell() == CellType.LSTM;
        this.keys = Seq2SeqExporter.hasKeys(config);
        this.keySize = config.attention() == Seq2SeqConfig.AttentionType.ADDITIVE ? config.attentionHiddenSize()
                : config.decoderHiddenSize();
    }

    /**
     * Loads {@value Seq2SeqExporter#ENCODER_FILE} and {@value Seq2SeqExporter#DECODER_FILE} from
     * {@code directory}, checks that both carry the same model configuration and that their inputs
     * and outputs are what that configuration implies.
     *
     * @param options thread count and optimisation level for both sessions (the signature is set here)
     * @throws InvalidModelException naming the file and the problem
     */
    public static OrtStepModel load(Path directory, OnnxModel.Options options) throws IOException {
        Path encoderFile = directory.resolve(Seq2SeqExporter.ENCODER_FILE);
        Path decoderFile = directory.resolve(Seq2SeqExporter.DECODER_FILE);
        for (Path f : List.of(encoderFile, decoderFile)) {
            if (!Files.isRegularFile(f)) {
                throw new java.nio.file.NoSuchFileException(f.toString(), null,
                        "an exported seq2seq model needs " + Seq2SeqExporter.ENCODER_FILE + " and "
                                + Seq2SeqExporter.DECODER_FILE);
            }
        }
        OnnxModel enc = OnnxModel.load(encoderFile, options);
        OnnxModel dec = null;
        try {
            Seq2SeqConfig config = config(enc, "encoder");
            enc.requireSignature(encoderSignature(config));
            dec = OnnxModel.load(decoderFile, options);
            Seq2SeqConfig decoderConfig = config(dec, "decoder_step");
            if (!decoderConfig.equals(config)) {
                throw new InvalidModelException(InvalidModelException.Reason.SIGNATURE_MISMATCH, decoderFile,
                        "its model configuration " + decoderConfig + " differs from the encoder's " + config
                                + "; the two files come from different exports", null);
            }
            // format 1 predates the top-candidate outputs: its steps run with full rows only
            dec.requireSignature(decoderSignature(config, Seq2SeqExporter.hasCandidates(config) && format(dec) >= 2));
            return new OrtStepModel(enc, dec, config);
        } catch (IOException | RuntimeException e) {
            closeQuietly(enc, e);
            if (dec != null) {
                closeQuietly(dec, e);
            }
            throw e;
        }
    }

    private static void closeQuietly(OnnxModel m, Exception e) {
        try {
            m.close();
        } catch (OrtException suppressed) {
            e.addSuppressed(suppressed);
        }
    }

    /** The file's export format, one this toolkit reads ({@link Seq2SeqExporter#OLDEST_FORMAT} to FORMAT). */
    private static int format(OnnxModel m) throws InvalidModelException {
        String format = m.metadata(Seq2SeqExporter.FORMAT_KEY).orElse("?");
        for (int f = Seq2SeqExporter.OLDEST_FORMAT; f <= Seq2SeqExporter.FORMAT; f++) {
            if (Integer.toString(f).equals(format)) {
                return f;
            }
        }
        throw new InvalidModelException(InvalidModelException.Reason.UNSUPPORTED_VERSION, m.file(),
                "export format " + format + "; this toolkit reads formats " + Seq2SeqExporter.OLDEST_FORMAT + " to "
                        + Seq2SeqExporter.FORMAT, null);
    }

    private static Seq2SeqConfig config(OnnxModel m, String graph) throws InvalidModelException {
        String kind = m.metadata(Seq2SeqExporter.GRAPH_KEY).orElse(null);
        String json = m.metadata(Seq2SeqExporter.CONFIG_KEY).orElse(null);
        if (!graph.equals(kind) || json == null) {
            throw new InvalidModelException(InvalidModelException.Reason.SIGNATURE_MISMATCH, m.file(),
                    "not a seq2seq " + graph + " graph from Seq2SeqExporter (metadata " + Seq2SeqExporter.GRAPH_KEY
                            + " is " + (kind == null ? "missing" : "'" + kind + "'") + ", "
                            + Seq2SeqExporter.CONFIG_KEY + (json == null ? " missing" : " present") + ")", null);
        }
        format(m);
        try {
            return JSON.readValue(json, Seq2SeqConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidModelException(InvalidModelException.Reason.SIGNATURE_MISMATCH, m.file(),
                    "unreadable " + Seq2SeqExporter.CONFIG_KEY + " metadata: " + e.getMessage(), e);
        }
    }

    static OnnxModel.Signature encoderSignature(Seq2SeqConfig c) {
        Map<String, Integer> in = Map.of(Seq2SeqExporter.SOURCE_IDS, 2, Seq2SeqExporter.SOURCE_LENGTHS, 1);
        Map<String, Integer> out = new HashMap<>();
        out.put(Seq2SeqExporter.MEMORY, 3);
        out.put(Seq2SeqExporter.SOURCE_MASK, 2);
        out.put(Seq2SeqExporter.H0, 3);
        if (c.cell() == CellType.LSTM) {
            out.put(Seq2SeqExporter.C0, 3);
        }
        if (Seq2SeqExporter.hasKeys(c)) {
            out.put(Seq2SeqExporter.KEYS, 3);
        }
        return OnnxModel.Signature.of(in, out);
    }

    static OnnxModel.Signature decoderSignature(Seq2SeqConfig c) {
        return decoderSignature(c, Seq2SeqExporter.hasCandidates(c));
    }

    static OnnxModel.Signature decoderSignature(Seq2SeqConfig c, boolean candidates) {
        Map<String, Integer> in = new HashMap<>();
        Map<String, Integer> out = new HashMap<>();
        in.put(Seq2SeqExporter.PREVIOUS_TOKENS, 1);
        in.put(Seq2SeqExporter.H, 3);
        in.put(Seq2SeqExporter.MEMORY, 3);
        in.put(Seq2SeqExporter.SOURCE_MASK, 2);
        out.put(Seq2SeqExporter.LOG_PROBS, 2);
        out.put(Seq2SeqExporter.H_NEXT, 3);
        out.put(Seq2SeqExporter.ATTENTION, 2);
        if (c.cell() == CellType.LSTM) {
            in.put(Seq2SeqExporter.C, 3);
            out.put(Seq2SeqExporter.C_NEXT, 3);
        }
        if (Seq2SeqExporter.hasKeys(c)) {
            in.put(Seq2SeqExporter.KEYS, 3);
        }
        if (c.inputFeeding()) {
            in.put(Seq2SeqExporter.FEED, 2);
            out.put(Seq2SeqExporter.FEED_NEXT, 2);
        }
        if (c.coverage()) {
            in.put(Seq2SeqExporter.COVERAGE, 2);
            out.put(Seq2SeqExporter.COVERAGE_NEXT, 2);
        }
        if (c.copy()) {
            out.put(Seq2SeqExporter.GENERATION_LOGITS, 1);
        }
        if (candidates) {
            in.put(Seq2SeqExporter.TOP_K, 1);
            out.put(Seq2SeqExporter.TOP_LOG_PROBS, 2);
            out.put(Seq2SeqExporter.TOP_IDS, 2);
        }
        return OnnxModel.Signature.of(in, out);
    }

    public Seq2SeqConfig config() {
        return config;
    }

    /** The encoder graph's metadata (vocabulary hashes, provenance, ...). */
    public Map<String, String> metadata() {
        return encoder.metadata();
    }

    /** The model's target vocabulary {@code V}; a copy model's steps return wider rows ({@code V_ext}). */
    @Override
    public int vocabSize() {
        return config.targetVocabSize();
    }

    @Override
    public DecoderState encode(List<int[]> sourceIds) {
        if (sourceIds == null || sourceIds.isEmpty()) {
            throw new IllegalArgumentException("encode needs at least one source sentence");
        }
        int n = sourceIds.size();
        int srcLen = 0;
        int extended = config.targetVocabSize();
        for (int r = 0; r < n; r++) {
            int[] row = Objects.requireNonNull(sourceIds.get(r), "source " + r);
            if (row.length == 0) {
                throw new IllegalArgumentException("source " + r + " is empty; every source needs at least one id");
            }
            if (config.copy()) {
                extended = Math.max(extended, PointerGenerator.extendedSize(row, config.sourceVocabSize(), "source " + r));
            } else {
                checkIds(row, config.sourceVocabSize(), "source " + r);
            }
            srcLen = Math.max(srcLen, row.length);
        }
        long[] ids = new long[n * srcLen]; // 0 = pad
        long[] lengths = new long[n];
        int[] copyIds = null;
        if (config.copy()) {
            copyIds = new int[n * srcLen];
            Arrays.fill(copyIds, -1); // padding never matches
        }
        int unk = SpecialIds.UNK;
        for (int r = 0; r < n; r++) {
            int[] row = sourceIds.get(r);
            lengths[r] = row.length;
            for (int i = 0; i < row.length; i++) {
                ids[r * srcLen + i] = row[i] >= config.sourceVocabSize() ? unk : row[i]; // extended ids read as <unk>
            }
            if (copyIds != null) {
                System.arraycopy(row, 0, copyIds, r * srcLen, row.length);
            }
        }
        OrtEnvironment env = encoder.environment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        OrtSession.Result r = null;
        try {
            inputs.put(Seq2SeqExporter.SOURCE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {n, srcLen}));
            inputs.put(Seq2SeqExporter.SOURCE_LENGTHS, OnnxTensor.createTensor(env, LongBuffer.wrap(lengths), new long[] {n}));
            r = encoder.run(inputs);
            int hdStates = config.decoderLayers() * n * config.decoderHiddenSize();
            // the encoder's outputs become the decoder's inputs as they are: no copies
            Shared source = new Shared(
                    output(r, Seq2SeqExporter.MEMORY, n * srcLen * config.memorySize()),
                    output(r, Seq2SeqExporter.SOURCE_MASK, n * srcLen),
                    keys ? output(r, Seq2SeqExporter.KEYS, n * srcLen * keySize) : null);
            Shared recurrent = new Shared(
                    output(r, Seq2SeqExporter.H0, hdStates),
                    lstm ? output(r, Seq2SeqExporter.C0, hdStates) : null,
                    config.inputFeeding() ? tensor(env, new float[n * config.decoderHiddenSize()],
                            new long[] {n, config.decoderHiddenSize()}) : null,
                    config.coverage() ? tensor(env, new float[n * srcLen], new long[] {n, srcLen}) : null);
            r = null; // its tensors now belong to the state
            int[] origin = new int[n];
            for (int i = 0; i < n; i++) {
                origin[i] = i;
            }
            return new State(n, srcLen, origin, copyIds, extended, source, recurrent);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the encoder " + encoder.file() + ": "
                    + e.getMessage(), e);
        } finally {
            if (r != null) {
                r.close();
            }
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public StepOutput step(DecoderState decoderState, int[] previousTokens) {
        return run(decoderState, previousTokens, 0);
    }

    /**
     * With a step graph that has the top-candidate outputs (every export but a copy model's since
     * they were added), returns only each row's {@code candidates} most probable tokens, and the
     * full rows of log-probabilities are never copied out of ONNX Runtime; otherwise full rows.
     */
    @Override
    public StepOutput step(DecoderState decoderState, int[] previousTokens, int candidates) {
        return run(decoderState, previousTokens, this.candidates ? Math.min(candidates, config.targetVocabSize()) : 0);
    }

    /** One step; {@code k > 0} asks for the top {@code k} candidates per row instead of full rows. */
    private StepOutput run(DecoderState decoderState, int[] previousTokens, int k) {
        State state = own(decoderState);
        int rows = state.rows;
        if (previousTokens.length != rows) {
            throw new IllegalArgumentException(
                    "previousTokens has " + previousTokens.length + " entries for a state of " + rows + " rows");
        }
        int vocab = config.targetVocabSize();
        checkIds(previousTokens, state.extendedSize, "previousTokens");
        long[] tokens = new long[rows];
        for (int i = 0; i < rows; i++) {
            tokens[i] = previousTokens[i] >= vocab ? SpecialIds.UNK : previousTokens[i]; // a copied word reads as <unk>
        }
        int hd = config.decoderHiddenSize();
        int srcLen = state.srcLen;
        OrtEnvironment env = decoder.environment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        OnnxTensor tokenTensor = null;
        OnnxTensor kTensor = null;
        OrtSession.Result r = null;
        try {
            if (candidates) {
                kTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {Math.max(k, 1)}), new long[] {1});
                inputs.put(Seq2SeqExporter.TOP_K, kTensor);
            }
            tokenTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), new long[] {rows});
            inputs.put(Seq2SeqExporter.PREVIOUS_TOKENS, tokenTensor);
            inputs.put(Seq2SeqExporter.H, state.recurrent.get(0));
            if (lstm) {
                inputs.put(Seq2SeqExporter.C, state.recurrent.get(1));
            }
            if (config.inputFeeding()) {
                inputs.put(Seq2SeqExporter.FEED, state.recurrent.get(2));
            }
            if (config.coverage()) {
                inputs.put(Seq2SeqExporter.COVERAGE, state.recurrent.get(3));
            }
            inputs.put(Seq2SeqExporter.MEMORY, state.source.get(0));
            inputs.put(Seq2SeqExporter.SOURCE_MASK, state.source.get(1));
            if (keys) {
                inputs.put(Seq2SeqExporter.KEYS, state.source.get(2));
            }
            r = decoder.run(inputs, k > 0 ? candidateOutputs : fullOutputs);
            int states = config.decoderLayers() * rows * hd;
            float[] logProbs = k > 0 ? null : read(r, Seq2SeqExporter.LOG_PROBS, rows * vocab);
            float[] topLogProbs = k > 0 ? read(r, Seq2SeqExporter.TOP_LOG_PROBS, rows * k) : null;
            int[] topIds = k > 0 ? readIds(r, Seq2SeqExporter.TOP_IDS, rows * k) : null;
            float[] attention = read(r, Seq2SeqExporter.ATTENTION, rows * srcLen);
            int width = vocab;
            if (config.copy()) {
                float[] z = read(r, Seq2SeqExporter.GENERATION_LOGITS, rows);
                logProbs = PointerGenerator.mix(logProbs, vocab, z, attention, srcLen, state.copyIds, state.extendedSize);
                width = state.extendedSize;
            }
            Shared recurrent = new Shared(
                    output(r, Seq2SeqExporter.H_NEXT, states),
                    lstm ? output(r, Seq2SeqExporter.C_NEXT, states) : null,
                    config.inputFeeding() ? output(r, Seq2SeqExporter.FEED_NEXT, rows * hd) : null,
                    config.coverage() ? output(r, Seq2SeqExporter.COVERAGE_NEXT, rows * srcLen) : null);
            r = null; // the kept outputs belong to the next state; the others were read and closed
            State next = new State(rows, srcLen, state.origin, state.copyIds, state.extendedSize,
                    state.source.retain(), recurrent);
            return k > 0 ? StepOutput.candidates(next, topIds, topLogProbs, k, width, attention, srcLen)
                    : new StepOutput(next, logProbs, width, attention, srcLen);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the decoder step " + decoder.file() + ": "
                    + e.getMessage(), e);
        } finally {
            if (r != null) {
                r.close();
            }
            if (tokenTensor != null) {
                tokenTensor.close();
            }
            if (kTensor != null) {
                kTensor.close();
            }
        }
    }

    private State own(DecoderState s) {
        if (!(s instanceof State) || ((State) s).owner() != this) {
            throw new IllegalArgumentException("the state was not made by this step model");
        }
        State state = (State) s;
        if (state.closed) {
            throw new IllegalStateException("the state is closed");
        }
        return state;
    }

    private static void checkIds(int[] ids, int vocab, String what) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException(
                        what + " holds id " + ids[i] + " at position " + i + ", outside [0, " + vocab + ")");
            }
        }
    }

    /** An output tensor of {@code result}, checked to hold {@code expected} floats; the caller owns it. */
    private static OnnxTensor output(OrtSession.Result result, String name, int expected) {
        OnnxTensor tensor = (OnnxTensor) result.get(name).orElseThrow(
                () -> new IllegalStateException("The model returned no '" + name + "' output"));
        long size = tensor.getInfo().getNumElements();
        if (size != expected) {
            throw new IllegalStateException("Output '" + name + "' has " + size + " values, expected "
                    + expected + " (shape " + Arrays.toString(tensor.getInfo().getShape()) + ")");
        }
        return tensor;
    }

    /** Copies an INT64 output of ids into a new int array and closes the tensor. */
    private static int[] readIds(OrtSession.Result result, String name, int expected) {
        try (OnnxTensor tensor = (OnnxTensor) result.get(name).orElseThrow(
                () -> new IllegalStateException("The model returned no '" + name + "' output"))) {
            LongBuffer buffer = tensor.getLongBuffer();
            if (buffer.remaining() != expected) {
                throw new IllegalStateException("Output '" + name + "' has " + buffer.remaining() + " values, expected "
                        + expected);
            }
            int[] ids = new int[expected];
            for (int i = 0; i < expected; i++) {
                ids[i] = Math.toIntExact(buffer.get(i));
            }
            return ids;
        }
    }

    /** Copies an output into a new array and closes the tensor. */
    private static float[] read(OrtSession.Result result, String name, int expected) {
        try (OnnxTensor tensor = output(result, name, expected)) {
            return floats(tensor);
        }
    }

    /** A tensor's values on the heap: the array of the copy ONNX Runtime already makes, no second copy. */
    private static float[] floats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.array().length == buffer.remaining()) {
            return buffer.array();
        }
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    private static OnnxTensor tensor(OrtEnvironment env, float[] values, long[] shape) throws OrtException {
        FloatBuffer direct = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        direct.put(values).rewind();
        return OnnxTensor.createTensor(env, direct, shape); // wraps the direct buffer, no further copy
    }

    /** Gathers rows: row {@code i} of the result is row {@code index[i]} of {@code a}, rows of {@code width}. */
    static float[] gatherRows(float[] a, int width, int[] index) {
        return gather(a, new float[index.length * width], width, index);
    }

    /** {@link #gatherRows} for the copy ids. */
    private static int[] gatherIds(int[] a, int width, int[] index) {
        return gather(a, new int[index.length * width], width, index);
    }

    private static <T> T gather(T from, T to, int width, int[] index) {
        for (int i = 0; i < index.length; i++) {
            System.arraycopy(from, index[i] * width, to, i * width, width);
        }
        return to;
    }

    /** As {@link #gatherRows} on axis 1 of {@code (layers, rows, width)}. */
    static float[] gatherStateRows(float[] a, int layers, int rows, int width, int[] index) {
        float[] out = new float[layers * index.length * width];
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < index.length; i++) {
                System.arraycopy(a, (l * rows + index[i]) * width, out, (l * index.length + i) * width, width);
            }
        }
        return out;
    }

    /** Closes both sessions (after runs in flight). */
    @Override
    public void close() {
        try {
            encoder.close();
            decoder.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not close the ONNX Runtime sessions", e);
        }
    }

    /**
     * Native tensors shared by several states (the encoder outputs of a decode, or one step's
     * recurrent state seen through identity reorders), closed when the last holder releases them.
     * Entries may be {@code null}; the tensors are never written after creation.
     */
    private static final class Shared {
        private final OnnxTensor[] tensors;
        private final AtomicInteger holders = new AtomicInteger(1);

        Shared(OnnxTensor... tensors) {
            this.tensors = tensors;
        }

        OnnxTensor get(int i) {
            return tensors[i];
        }

        float[] values(int i) {
            return floats(tensors[i]);
        }

        Shared retain() {
            if (holders.getAndIncrement() <= 0) {
                throw new IllegalStateException("the state's tensors were already closed");
            }
            return this;
        }

        void release() {
            if (holders.decrementAndGet() == 0) {
                for (OnnxTensor t : tensors) {
                    if (t != null) {
                        t.close();
                    }
                }
            }
        }
    }

    /**
     * A {@link DecoderState} over native tensors: the source (memory {@code (rows, srcLen, M)}, mask
     * {@code (rows, srcLen)}, keys {@code (rows, srcLen, K)} or null) and the recurrent state
     * ({@code h}, {@code c} {@code (L, rows, HD)}, feed {@code (rows, HD)}, the latter two possibly
     * null). Steps feed these tensors to the decoder as they are; only a reorder that changes rows
     * copies, and the source is shared whenever every row still comes from the same sentence
     * ({@code origin}), as in a beam search between finished sentences. {@link #close()} releases
     * this state's hold on both; it is idempotent.
     */
    private final class State implements DecoderState {
        final int rows;
        final int srcLen;
        final int[] origin; // encoded sentence of each row
        final int[] copyIds; // copy models: rows * srcLen extended source ids, -1 at padding; else null
        final int extendedSize; // V_ext of the encoded batch (V without copy)
        final Shared source;
        final Shared recurrent; // h, c, feed, coverage
        volatile boolean closed;

        State(int rows, int srcLen, int[] origin, int[] copyIds, int extendedSize, Shared source, Shared recurrent) {
            this.rows = rows;
            this.srcLen = srcLen;
            this.origin = origin;
            this.copyIds = copyIds;
            this.extendedSize = extendedSize;
            this.source = source;
            this.recurrent = recurrent;
        }

        OrtStepModel owner() {
            return OrtStepModel.this;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public DecoderState reorder(int[] rowIndices) {
            if (closed) {
                throw new IllegalStateException("the state is closed");
            }
            if (rowIndices.length == 0) {
                throw new IllegalArgumentException("reorder needs at least one row");
            }
            boolean identity = rowIndices.length == rows;
            int[] nextOrigin = new int[rowIndices.length];
            for (int i = 0; i < rowIndices.length; i++) {
                if (rowIndices[i] < 0 || rowIndices[i] >= rows) {
                    throw new IndexOutOfBoundsException(
                            "row index " + rowIndices[i] + " at " + i + " outside [0, " + rows + ")");
                }
                identity &= rowIndices[i] == i;
                nextOrigin[i] = origin[rowIndices[i]];
            }
            if (identity) {
                return new State(rows, srcLen, origin, copyIds, extendedSize, source.retain(), recurrent.retain());
            }
            OrtEnvironment env = decoder.environment();
            int n = rowIndices.length;
            int hd = config.decoderHiddenSize();
            int layers = config.decoderLayers();
            List<OnnxTensor> made = new java.util.ArrayList<>();
            try {
                Shared nextSource;
                if (Arrays.equals(nextOrigin, origin)) {
                    nextSource = source.retain(); // same sentence on every row: same source rows
                } else {
                    int m = config.memorySize();
                    OnnxTensor memory = track(made, tensor(env, gatherRows(source.values(0), srcLen * m, rowIndices),
                            new long[] {n, srcLen, m}));
                    OnnxTensor mask = track(made, tensor(env, gatherRows(source.values(1), srcLen, rowIndices),
                            new long[] {n, srcLen}));
                    OnnxTensor k = source.get(2) == null ? null : track(made, tensor(env,
                            gatherRows(source.values(2), srcLen * keySize, rowIndices), new long[] {n, srcLen, keySize}));
                    nextSource = new Shared(memory, mask, k);
                }
                long[] stateShape = {layers, n, hd};
                OnnxTensor h = track(made, tensor(env,
                        gatherStateRows(recurrent.values(0), layers, rows, hd, rowIndices), stateShape));
                OnnxTensor c = recurrent.get(1) == null ? null : track(made, tensor(env,
                        gatherStateRows(recurrent.values(1), layers, rows, hd, rowIndices), stateShape));
                OnnxTensor feed = recurrent.get(2) == null ? null : track(made, tensor(env,
                        gatherRows(recurrent.values(2), hd, rowIndices), new long[] {n, hd}));
                OnnxTensor coverage = recurrent.get(3) == null ? null : track(made, tensor(env,
                        gatherRows(recurrent.values(3), srcLen, rowIndices), new long[] {n, srcLen}));
                int[] nextCopyIds = copyIds == null ? null : gatherIds(copyIds, srcLen, rowIndices);
                return new State(n, srcLen, nextOrigin, nextCopyIds, extendedSize, nextSource,
                        new Shared(h, c, feed, coverage));
            } catch (OrtException | RuntimeException e) {
                made.forEach(OnnxTensor::close);
                throw e instanceof OrtException
                        ? new IllegalStateException("ONNX Runtime could not make the reordered state: " + e.getMessage(), e)
                        : (RuntimeException) e;
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                source.release();
                recurrent.release();
            }
        }
    }

    private static OnnxTensor track(List<OnnxTensor> made, OnnxTensor t) {
        made.add(t);
        return t;
    }
}
