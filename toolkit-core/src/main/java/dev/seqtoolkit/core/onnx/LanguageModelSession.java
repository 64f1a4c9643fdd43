package dev.seqtoolkit.core.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;
import dev.seqtoolkit.core.lm.Sampler;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a step graph written by {@link LanguageModelExporter}, carrying the recurrent state from
 * call to call for generation.
 *
 * <p>The session is immutable and, like {@link OnnxModel}, safe for concurrent use; each stream
 * owns a {@link State} (not thread-safe). Closing the underlying {@link OnnxModel} is the caller's
 * job.
 */
public final class LanguageModelSession {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OnnxModel model;
    private final Cell cell;
    private final int vocabularySize;
    private final int hiddenSize;
    private final int numLayers;

    private LanguageModelSession(OnnxModel model, Cell cell, int vocabularySize, int hiddenSize, int numLayers) {
        this.model = model;
        this.cell = cell;
        this.vocabularySize = vocabularySize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
    }

    /**
     * Wraps a loaded model after reading its {@value LanguageModelExporter#CONFIG_KEY} metadata and
     * checking its inputs and outputs.
     *
     * @throws InvalidModelException if the configuration is missing or unreadable, or the
     *     signature differs
     */
    public static LanguageModelSession open(OnnxModel model) throws InvalidModelException {
        String json = model.metadata(LanguageModelExporter.CONFIG_KEY).orElseThrow(() -> new InvalidModelException(
                InvalidModelException.Reason.SIGNATURE_MISMATCH, model.file(), "no '" + LanguageModelExporter.CONFIG_KEY
                        + "' metadata; not a language-model step graph from LanguageModelExporter", null));
        Cell cell;
        int v;
        int h;
        int layers;
        try {
            JsonNode config = JSON.readTree(json);
            cell = Cell.valueOf(config.required("cell").asText());
            v = config.required("vocabularySize").asInt();
            h = config.required("hiddenSize").asInt();
            layers = config.required("numLayers").asInt();
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidModelException(InvalidModelException.Reason.SIGNATURE_MISMATCH, model.file(),
                    "unreadable '" + LanguageModelExporter.CONFIG_KEY + "' metadata " + json + ": " + e.getMessage(), e);
        }
        Map<String, Integer> in = new HashMap<>();
        Map<String, Integer> out = new HashMap<>();
        in.put(LanguageModelExporter.TOKENS, 2);
        in.put(LanguageModelExporter.INITIAL_HIDDEN, 3);
        out.put(LanguageModelExporter.LOGITS, 3);
        out.put(LanguageModelExporter.FINAL_HIDDEN, 3);
        if (cell == Cell.LSTM) {
            in.put(LanguageModelExporter.INITIAL_CELL, 3);
            out.put(LanguageModelExporter.FINAL_CELL, 3);
        }
        model.requireSignature(OnnxModel.Signature.of(in, out));
        return new LanguageModelSession(model, cell, v, h, layers);
    }

    public Cell cell() {
        return cell;
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int numLayers() {
        return numLayers;
    }

    /** A zero state for {@code batch} streams. */
    public State newState(int batch) {
        if (batch <= 0) {
            throw new IllegalArgumentException("Batch size must be positive, got " + batch);
        }
        return new State(batch, new float[numLayers * batch * hiddenSize],
                cell == Cell.LSTM ? new float[numLayers * batch * hiddenSize] : null);
    }

    /**
     * One step: one token per stream.
     *
     * @param tokens {@code (batch)} token ids in {@code [0, V)}
     * @return logits {@code (batch, V)} row-major; {@code state} holds the new state
     */
    public float[] step(State state, long[] tokens) throws OrtException {
        return run(state, tokens, 1);
    }

    /**
     * Runs {@code time} steps for every stream in one call.
     *
     * @param tokens {@code (batch, time)} row-major token ids in {@code [0, V)}
     * @return logits {@code (batch, time, V)} row-major; {@code state} holds the state after the last step
     */
    public float[] run(State state, long[] tokens, int time) throws OrtException {
        if (time <= 0 || tokens.length != (long) state.batch * time) {
            throw new IllegalArgumentException("Expected " + state.batch + " x " + time + " token ids for batch "
                    + state.batch + " and " + time + " steps, got " + tokens.length);
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabularySize) {
                throw new IllegalArgumentException("Token id " + tokens[i] + " at (batch " + i / time + ", step "
                        + i % time + ") is outside the vocabulary [0, " + vocabularySize + ")");
            }
        }
        OrtEnvironment env = model.environment();
        long[] stateShape = {numLayers, state.batch, hiddenSize};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(LanguageModelExporter.TOKENS,
                    OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), new long[] {state.batch, time}));
            inputs.put(LanguageModelExporter.INITIAL_HIDDEN, OnnxTensor.createTensor(env, FloatBuffer.wrap(state.h), stateShape));
            if (state.c != null) {
                inputs.put(LanguageModelExporter.INITIAL_CELL,
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(state.c), stateShape));
            }
            try (OrtSession.Result result = model.run(inputs)) {
                float[] logits = read(result, LanguageModelExporter.LOGITS, state.batch * time * vocabularySize);
                float[] h = read(result, LanguageModelExporter.FINAL_HIDDEN, state.h.length);
                float[] c = state.c == null ? null : read(result, LanguageModelExporter.FINAL_CELL, state.c.length);
                System.arraycopy(h, 0, state.h, 0, h.length);
                if (c != null) {
                    System.arraycopy(c, 0, state.c, 0, c.length);
                }
                return logits;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Generates for one stream: feeds the prompt in one call, then samples and feeds one token per
     * step.
     *
     * @param prompt at least one token id
     * @param stopToken generation ends after this id is produced; -1 for none
     * @return the new token ids (without the prompt)
     */
    public long[] generate(long[] prompt, int maxNewTokens, Sampler sampler, long stopToken) throws OrtException {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("The prompt needs at least one token");
        }
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must not be negative, got " + maxNewTokens);
        }
        State state = newState(1);
        long[] out = new long[maxNewTokens];
        if (maxNewTokens == 0) {
            return out;
        }
        float[] all = run(state, prompt, prompt.length);
        float[] logits = Arrays.copyOfRange(all, (prompt.length - 1) * vocabularySize, prompt.length * vocabularySize);
        int n = 0;
        while (true) {
            long next = sampler.next(logits, vocabularySize);
            out[n++] = next;
            if (next == stopToken || n == maxNewTokens) {
                return Arrays.copyOf(out, n);
            }
            logits = step(state, new long[] {next});
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

    /** The recurrent state of {@code batch} streams: h and (LSTM) c, each {@code (layers, batch, H)}. */
    public static final class State {
        private final int batch;
        private final float[] h;
        private final float[] c;

        private State(int batch, float[] h, float[] c) {
            this.batch = batch;
            this.h = h;
            this.c = c;
        }

        public int batch() {
            return batch;
        }

        /** A copy of the hidden state {@code (layers, batch, H)}. */
        public float[] hidden() {
            return h.clone();
        }

        /** A copy of the cell state {@code (layers, batch, H)}; null for GRU. */
        public float[] cell() {
            return c == null ? null : c.clone();
        }

        /** An independent copy, e.g. to branch a generation. */
        public State copy() {
            return new State(batch, h.clone(), c == null ? null : c.clone());
        }
    }
}
