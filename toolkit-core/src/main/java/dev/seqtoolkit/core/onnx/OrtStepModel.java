package dev.seqtoolkit.core.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.decode.DecoderState;
import dev.seqtoolkit.core.decode.StepModel;
import dev.seqtoolkit.core.decode.StepOutput;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link StepModel} over the two graphs {@link Seq2SeqExporter} writes, run in ONNX Runtime, so
 * {@link dev.seqtoolkit.core.decode.GreedySearch} and {@link dev.seqtoolkit.core.decode.BeamSearch}
 * run unchanged on it.
 *
 * <p>States hold host {@code float[]} arrays: memory {@code (rows, srcLen, M)}, mask
 * {@code (rows, srcLen)}, keys {@code (rows, srcLen, K)} (ADDITIVE, GENERAL), recurrent state
 * {@code (L, rows, HD)} and input feed {@code (rows, HD)}. They are never modified after creation,
 * so successive states share the source arrays and {@link DecoderState#reorder} gathers rows in
 * Java (sharing everything for the identity order).
 *
 * <p><b>Threads.</b> Safe for concurrent use: the sessions are ({@link OnnxModel}), and each
 * decode owns its immutable states. {@link #close()} closes the sessions; do it after the last
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

    private OrtStepModel(OnnxModel encoder, OnnxModel decoder, Seq2SeqConfig config) {
        this.encoder = encoder;
        this.decoder = decoder;
        this.config = config;
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
            dec.requireSignature(decoderSignature(config));
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

    private static Seq2SeqConfig config(OnnxModel m, String graph) throws InvalidModelException {
        String kind = m.metadata(Seq2SeqExporter.GRAPH_KEY).orElse(null);
        String json = m.metadata(Seq2SeqExporter.CONFIG_KEY).orElse(null);
        if (!graph.equals(kind) || json == null) {
            throw new InvalidModelException(InvalidModelException.Reason.SIGNATURE_MISMATCH, m.file(),
                    "not a seq2seq " + graph + " graph from Seq2SeqExporter (metadata " + Seq2SeqExporter.GRAPH_KEY
                            + " is " + (kind == null ? "missing" : "'" + kind + "'") + ", "
                            + Seq2SeqExporter.CONFIG_KEY + (json == null ? " missing" : " present") + ")", null);
        }
        String format = m.metadata(Seq2SeqExporter.FORMAT_KEY).orElse("?");
        if (!Integer.toString(Seq2SeqExporter.FORMAT).equals(format)) {
            throw new InvalidModelException(InvalidModelException.Reason.UNSUPPORTED_VERSION, m.file(),
                    "export format " + format + "; this toolkit reads format " + Seq2SeqExporter.FORMAT, null);
        }
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
        return OnnxModel.Signature.of(in, out);
    }

    public Seq2SeqConfig config() {
        return config;
    }

    /** The encoder graph's metadata (vocabulary hashes, provenance, ...). */
    public Map<String, String> metadata() {
        return encoder.metadata();
    }

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
        for (int r = 0; r < n; r++) {
            int[] row = Objects.requireNonNull(sourceIds.get(r), "source " + r);
            if (row.length == 0) {
                throw new IllegalArgumentException("source " + r + " is empty; every source needs at least one id");
            }
            checkIds(row, config.sourceVocabSize(), "source " + r);
            srcLen = Math.max(srcLen, row.length);
        }
        long[] ids = new long[n * srcLen]; // 0 = pad
        long[] lengths = new long[n];
        for (int r = 0; r < n; r++) {
            int[] row = sourceIds.get(r);
            lengths[r] = row.length;
            for (int i = 0; i < row.length; i++) {
                ids[r * srcLen + i] = row[i];
            }
        }
        OrtEnvironment env = encoder.environment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(Seq2SeqExporter.SOURCE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {n, srcLen}));
            inputs.put(Seq2SeqExporter.SOURCE_LENGTHS, OnnxTensor.createTensor(env, LongBuffer.wrap(lengths), new long[] {n}));
            try (OrtSession.Result r = encoder.run(inputs)) {
                int hdStates = config.decoderLayers() * n * config.decoderHiddenSize();
                Source source = new Source(n, srcLen,
                        read(r, Seq2SeqExporter.MEMORY, n * srcLen * config.memorySize()),
                        read(r, Seq2SeqExporter.SOURCE_MASK, n * srcLen),
                        keys ? read(r, Seq2SeqExporter.KEYS, n * srcLen * keySize) : null);
                return new State(source, read(r, Seq2SeqExporter.H0, hdStates),
                        lstm ? read(r, Seq2SeqExporter.C0, hdStates) : null,
                        config.inputFeeding() ? new float[n * config.decoderHiddenSize()] : null);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the encoder " + encoder.file() + ": "
                    + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public StepOutput step(DecoderState decoderState, int[] previousTokens) {
        State state = own(decoderState);
        int rows = state.source.rows;
        if (previousTokens.length != rows) {
            throw new IllegalArgumentException(
                    "previousTokens has " + previousTokens.length + " entries for a state of " + rows + " rows");
        }
        checkIds(previousTokens, config.targetVocabSize(), "previousTokens");
        long[] tokens = new long[rows];
        for (int i = 0; i < rows; i++) {
            tokens[i] = previousTokens[i];
        }
        int hd = config.decoderHiddenSize();
        int srcLen = state.source.srcLen;
        long[] stateShape = {config.decoderLayers(), rows, hd};
        OrtEnvironment env = decoder.environment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(Seq2SeqExporter.PREVIOUS_TOKENS, OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), new long[] {rows}));
            inputs.put(Seq2SeqExporter.H, OnnxTensor.createTensor(env, FloatBuffer.wrap(state.h), stateShape));
            if (lstm) {
                inputs.put(Seq2SeqExporter.C, OnnxTensor.createTensor(env, FloatBuffer.wrap(state.c), stateShape));
            }
            inputs.put(Seq2SeqExporter.MEMORY, OnnxTensor.createTensor(env, FloatBuffer.wrap(state.source.memory),
                    new long[] {rows, srcLen, config.memorySize()}));
            inputs.put(Seq2SeqExporter.SOURCE_MASK, OnnxTensor.createTensor(env, FloatBuffer.wrap(state.source.mask),
                    new long[] {rows, srcLen}));
            if (keys) {
                inputs.put(Seq2SeqExporter.KEYS, OnnxTensor.createTensor(env, FloatBuffer.wrap(state.source.keys),
                        new long[] {rows, srcLen, keySize}));
            }
            if (config.inputFeeding()) {
                inputs.put(Seq2SeqExporter.FEED, OnnxTensor.createTensor(env, FloatBuffer.wrap(state.feed),
                        new long[] {rows, hd}));
            }
            try (OrtSession.Result r = decoder.run(inputs)) {
                int states = config.decoderLayers() * rows * hd;
                float[] logProbs = read(r, Seq2SeqExporter.LOG_PROBS, rows * config.targetVocabSize());
                float[] attention = read(r, Seq2SeqExporter.ATTENTION, rows * srcLen);
                State next = new State(state.source, read(r, Seq2SeqExporter.H_NEXT, states),
                        lstm ? read(r, Seq2SeqExporter.C_NEXT, states) : null,
                        config.inputFeeding() ? read(r, Seq2SeqExporter.FEED_NEXT, rows * hd) : null);
                return new StepOutput(next, logProbs, config.targetVocabSize(), attention, srcLen);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the decoder step " + decoder.file() + ": "
                    + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private State own(DecoderState s) {
        if (!(s instanceof State) || ((State) s).owner() != this) {
            throw new IllegalArgumentException("the state was not made by this step model");
        }
        return (State) s;
    }

    private static void checkIds(int[] ids, int vocab, String what) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException(
                        what + " holds id " + ids[i] + " at position " + i + ", outside [0, " + vocab + ")");
            }
        }
    }

    private static float[] read(OrtSession.Result result, String name, int expected) throws OrtException {
        OnnxTensor tensor = (OnnxTensor) result.get(name).orElseThrow(
                () -> new IllegalStateException("The model returned no '" + name + "' output"));
        FloatBuffer buffer = tensor.getFloatBuffer();
        if (buffer.remaining() != expected) {
            throw new IllegalStateException("Output '" + name + "' has " + buffer.remaining() + " values, expected "
                    + expected + " (shape " + Arrays.toString(tensor.getInfo().getShape()) + ")");
        }
        float[] values = new float[expected];
        buffer.get(values);
        return values;
    }

    /** Gathers rows: row {@code i} of the result is row {@code index[i]} of {@code a}, rows of {@code width}. */
    static float[] gatherRows(float[] a, int width, int[] index) {
        float[] out = new float[index.length * width];
        for (int i = 0; i < index.length; i++) {
            System.arraycopy(a, index[i] * width, out, i * width, width);
        }
        return out;
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

    /** Encoder outputs of a set of rows; immutable, shared by the states of a decode. */
    private record Source(int rows, int srcLen, float[] memory, float[] mask, float[] keys) {}

    /** An immutable {@link DecoderState}; closing is a no-op (nothing native is held). */
    private final class State implements DecoderState {
        final Source source;
        final float[] h; // (L, rows, HD)
        final float[] c; // (L, rows, HD) or null
        final float[] feed; // (rows, HD) or null

        State(Source source, float[] h, float[] c, float[] feed) {
            this.source = source;
            this.h = h;
            this.c = c;
            this.feed = feed;
        }

        OrtStepModel owner() {
            return OrtStepModel.this;
        }

        @Override
        public int rows() {
            return source.rows;
        }

        @Override
        public DecoderState reorder(int[] rowIndices) {
            int rows = source.rows;
            if (rowIndices.length == 0) {
                throw new IllegalArgumentException("reorder needs at least one row");
            }
            boolean identity = rowIndices.length == rows;
            for (int i = 0; i < rowIndices.length; i++) {
                if (rowIndices[i] < 0 || rowIndices[i] >= rows) {
                    throw new IndexOutOfBoundsException(
                            "row index " + rowIndices[i] + " at " + i + " outside [0, " + rows + ")");
                }
                identity &= rowIndices[i] == i;
            }
            if (identity) {
                return new State(source, h, c, feed); // immutable arrays: share them
            }
            int srcLen = source.srcLen;
            Source s = new Source(rowIndices.length, srcLen,
                    gatherRows(source.memory, srcLen * config.memorySize(), rowIndices),
                    gatherRows(source.mask, srcLen, rowIndices),
                    source.keys == null ? null : gatherRows(source.keys, srcLen * keySize, rowIndices));
            int hd = config.decoderHiddenSize();
            int layers = config.decoderLayers();
            return new State(s, gatherStateRows(h, layers, rows, hd, rowIndices),
                    c == null ? null : gatherStateRows(c, layers, rows, hd, rowIndices),
                    feed == null ? null : gatherRows(feed, hd, rowIndices));
        }

        @Override
        public void close() {}
    }
}
