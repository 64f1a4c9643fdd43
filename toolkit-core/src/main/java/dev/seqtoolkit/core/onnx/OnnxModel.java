package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An ONNX model loaded into ONNX Runtime, after checks that give a clear message for the usual
 * mistakes: a file that is not ONNX, a truncated file, a model needing a newer IR version or opset
 * than ONNX Runtime 1.23 supports (checked on the protobuf before ONNX Runtime sees it), and
 * inputs/outputs that differ from what the caller expects.
 *
 * <p><b>Threads.</b> All sessions share the process-wide {@link OrtEnvironment}. ONNX Runtime
 * sessions are safe for concurrent {@code run} calls, so one {@code OnnxModel} serves many threads;
 * each call brings its own input tensors and closes its own result. {@link #close()} waits for runs
 * in flight and makes later runs fail with {@link IllegalStateException}.
 */
public final class OnnxModel implements AutoCloseable {
    /** The newest IR version ONNX Runtime 1.23 loads. */
    public static final long MAX_IR_VERSION = 11;
    /** The newest default-domain ({@code ai.onnx}) opset ONNX Runtime 1.23 loads. */
    public static final long MAX_OPSET = 23;

    private final Path file;
    private final OrtSession session;
    private final long irVersion;
    private final long opset;
    private final Map<String, String> metadata;
    private final Map<String, Integer> inputRanks;
    private final Map<String, Integer> outputRanks;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;
    private final boolean profiling;

    private OnnxModel(Path file, OrtSession session, OnnxMl.ModelProto proto, long opset, boolean profiling)
            throws OrtException {
        this.file = file;
        this.profiling = profiling;
        this.session = session;
        this.irVersion = proto.getIrVersion();
        this.opset = opset;
        Map<String, String> meta = new LinkedHashMap<>();
        proto.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
        this.metadata = Collections.unmodifiableMap(meta);
        this.inputRanks = ranks(session.getInputInfo());
        this.outputRanks = ranks(session.getOutputInfo());
    }

    /** Loads with {@link Options#defaults()}. */
    public static OnnxModel load(Path file) throws IOException {
        return load(file, Options.defaults());
    }

    /**
     * Reads, checks and loads a model.
     *
     * @throws InvalidModelException with a {@link InvalidModelException.Reason} naming what is wrong
     */
    public static OnnxModel load(Path file, Options options) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        OnnxMl.ModelProto proto = parse(file, bytes);
        long opset = checkVersions(file, proto);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(options.intraOpThreads);
            so.setOptimizationLevel(options.optimization);
            if (options.profilePrefix != null) {
                String stem = file.getFileName().toString().replaceFirst("\\.onnx$", "");
                so.enableProfiling(options.profilePrefix + "-" + stem);
            }
            session = env.createSession(bytes, so);
        } catch (OrtException e) {
            throw new InvalidModelException(InvalidModelException.Reason.RUNTIME_REJECTED, file,
                    "ONNX Runtime could not load the model: " + e.getMessage(), e);
        }
        try {
            OnnxModel model = new OnnxModel(file, session, proto, opset, options.profilePrefix != null);
            model.checkSignature(options.expected);
            return model;
        } catch (OrtException e) {
            closeQuietly(session, e);
            throw new InvalidModelException(InvalidModelException.Reason.RUNTIME_REJECTED, file,
                    "could not read the model's inputs and outputs: " + e.getMessage(), e);
        } catch (InvalidModelException | RuntimeException e) {
            closeQuietly(session, e);
            throw e;
        }
    }

    private static void closeQuietly(OrtSession session, Exception cause) {
        try {
            session.close();
        } catch (OrtException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    private static OnnxMl.ModelProto parse(Path file, byte[] bytes) throws InvalidModelException {
        if (bytes.length == 0) {
            throw new InvalidModelException(InvalidModelException.Reason.NOT_ONNX, file, "the file is empty", null);
        }
        long headerIr = headerIrVersion(bytes);
        OnnxMl.ModelProto proto;
        try {
            proto = OnnxMl.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            if (headerIr > 0) {
                throw new InvalidModelException(InvalidModelException.Reason.TRUNCATED, file, "starts like an ONNX model "
                        + "(IR version " + headerIr + ") but is truncated or corrupt after " + bytes.length + " bytes: "
                        + e.getMessage(), e);
            }
            throw new InvalidModelException(InvalidModelException.Reason.NOT_ONNX, file,
                    "not an ONNX model (not a ModelProto protobuf): " + e.getMessage(), e);
        }
        if (headerIr <= 0 || proto.getIrVersion() <= 0 || !proto.hasGraph()) {
            throw new InvalidModelException(InvalidModelException.Reason.NOT_ONNX, file,
                    "not an ONNX model: no IR version or no graph", null);
        }
        if (proto.getOpsetImportCount() == 0) {
            throw new InvalidModelException(InvalidModelException.Reason.TRUNCATED, file,
                    "the model has a graph but no opset imports; the file is truncated or corrupt", null);
        }
        return proto;
    }

    /**
     * The IR version if the bytes start with field 1 ({@code ir_version}, a varint), which every
     * ONNX serializer writes first; else -1.
     */
    private static long headerIrVersion(byte[] bytes) {
        if (bytes[0] != 0x08) {
            return -1;
        }
        try {
            long ir = CodedInputStream.newInstance(bytes, 1, Math.min(bytes.length - 1, 10)).readInt64();
            return ir > 0 && ir < 1000 ? ir : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static long checkVersions(Path file, OnnxMl.ModelProto proto) throws InvalidModelException {
        if (proto.getIrVersion() > MAX_IR_VERSION) {
            throw new InvalidModelException(InvalidModelException.Reason.UNSUPPORTED_VERSION, file, "the model has IR version "
                    + proto.getIrVersion() + ", newer than " + MAX_IR_VERSION + ", the newest ONNX Runtime 1.23 supports", null);
        }
        long opset = -1;
        for (OnnxMl.OperatorSetIdProto id : proto.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                opset = id.getVersion();
            }
        }
        if (opset > MAX_OPSET) {
            throw new InvalidModelException(InvalidModelException.Reason.UNSUPPORTED_VERSION, file, "the model uses opset "
                    + opset + " of the ai.onnx domain, newer than " + MAX_OPSET + ", the newest ONNX Runtime 1.23 supports",
                    null);
        }
        return opset;
    }

    private void checkSignature(Signature expected) throws InvalidModelException {
        if (expected != null) {
            requireSignature(expected);
        }
    }

    /**
     * Checks that the model's inputs are exactly the expected names with the expected ranks and
     * that its outputs include the expected ones.
     *
     * @throws InvalidModelException listing expected and found names and ranks
     */
    public void requireSignature(Signature expected) throws InvalidModelException {
        boolean inputsMatch = expected.inputs.equals(inputRanks);
        boolean outputsMatch = outputRanks.entrySet().containsAll(expected.outputs.entrySet());
        if (!inputsMatch || !outputsMatch) {
            throw new InvalidModelException(InvalidModelException.Reason.SIGNATURE_MISMATCH, file,
                    "the model's inputs/outputs differ from the expected ones: expected inputs " + describe(expected.inputs)
                            + " and outputs including " + describe(expected.outputs) + ", found inputs "
                            + describe(inputRanks) + " and outputs " + describe(outputRanks), null);
        }
    }

    private static String describe(Map<String, Integer> ranks) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        ranks.forEach((name, rank) -> j.add(name + " (rank " + rank + ")"));
        return j.toString();
    }

    private static Map<String, Integer> ranks(Map<String, NodeInfo> info) {
        Map<String, Integer> ranks = new LinkedHashMap<>();
        info.forEach((name, node) -> ranks.put(name,
                node.getInfo() instanceof TensorInfo t ? t.getShape().length : -1));
        return Collections.unmodifiableMap(ranks);
    }

    /**
     * Runs the model. Safe to call from many threads at once.
     *
     * @param inputs every model input by name
     * @return the outputs; the caller closes the result
     */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs) throws OrtException {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("The model " + file + " is closed");
            }
            return session.run(inputs);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Runs the model for some of its outputs only: the others are computed but not copied out.
     * Safe to call from many threads at once.
     *
     * @param inputs every model input by name
     * @param outputs the names of the outputs wanted
     * @return those outputs; the caller closes the result
     */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputs)
            throws OrtException {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("The model " + file + " is closed");
            }
            return session.run(inputs, outputs);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The shared environment, for creating input tensors. */
    public OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /** All {@code metadata_props} entries. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Optional<String> metadata(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** Input names with their ranks, in the model's order. */
    public Map<String, Integer> inputRanks() {
        return inputRanks;
    }

    /** Output names with their ranks, in the model's order. */
    public Map<String, Integer> outputRanks() {
        return outputRanks;
    }

    public long irVersion() {
        return irVersion;
    }

    /** The default-domain opset, or -1 if the model imports none. */
    public long opset() {
        return opset;
    }

    public Path file() {
        return file;
    }

    /** Waits for runs in flight, then releases the native session. */
    @Override
    public void close() throws OrtException {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                if (profiling) {
                    session.endProfiling(); // writes the JSON trace
                }
                session.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Input and output names with ranks a caller relies on. */
    public static final class Signature {
        private final Map<String, Integer> inputs;
        private final Map<String, Integer> outputs;

        private Signature(Map<String, Integer> inputs, Map<String, Integer> outputs) {
            this.inputs = Map.copyOf(inputs);
            this.outputs = Map.copyOf(outputs);
        }

        /**
         * A signature: the model's inputs must be exactly {@code inputs}; its outputs must include
         * {@code outputs}; ranks must match.
         */
        public static Signature of(Map<String, Integer> inputs, Map<String, Integer> outputs) {
            return new Signature(inputs, outputs);
        }
    }

    /** Session settings. Defaults: one intra-op thread, all graph optimisations, no signature check. */
    public static final class Options {
        private final int intraOpThreads;
        private final OrtSession.SessionOptions.OptLevel optimization;
        private final Signature expected;
        private final String profilePrefix;

        private Options(int intraOpThreads, OrtSession.SessionOptions.OptLevel optimization, Signature expected,
                String profilePrefix) {
            this.intraOpThreads = intraOpThreads;
            this.optimization = optimization;
            this.expected = expected;
            this.profilePrefix = profilePrefix;
        }

        public static Options defaults() {
            return new Options(1, OrtSession.SessionOptions.OptLevel.ALL_OPT, null, null);
        }

        /** Threads one operator may use; 0 lets ONNX Runtime choose (one per core). */
        public Options withIntraOpThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("Intra-op threads must be 0 (runtime's choice) or positive, got " + threads);
            }
            return new Options(threads, optimization, expected, profilePrefix);
        }

        public Options withOptimizationLevel(OrtSession.SessionOptions.OptLevel level) {
            if (level == null) {
                throw new IllegalArgumentException("The optimisation level must not be null");
            }
            return new Options(intraOpThreads, level, expected, profilePrefix);
        }

        /** Fails the load with {@link InvalidModelException.Reason#SIGNATURE_MISMATCH} unless the model matches. */
        public Options withSignature(Signature signature) {
            return new Options(intraOpThreads, optimization, signature, profilePrefix);
        }

        /**
         * Turns on ONNX Runtime's profiler: each session writes a Chrome-trace JSON file with the time
         * of every operator run, named {@code prefix-<model file stem>_<date>.json}, when the model is
         * closed. For finding where inference time goes; it slows runs a little.
         *
         * @param prefix a path prefix, e.g. {@code /tmp/ort-profile}
         */
        public Options withProfiling(Path prefix) {
            if (prefix == null) {
                throw new IllegalArgumentException("The profile prefix must not be null");
            }
            return new Options(intraOpThreads, optimization, expected, prefix.toString());
        }
    }
}
