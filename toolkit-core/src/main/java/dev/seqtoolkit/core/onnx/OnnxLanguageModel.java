package dev.seqtoolkit.core.onnx;

import ai.djl.ndarray.NDArray;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.lm.LanguageModel;
import dev.seqtoolkit.core.lm.LanguageModelConfig;
import dev.seqtoolkit.core.lm.Sampler;
import dev.seqtoolkit.core.lm.TextLanguageModel;
import dev.seqtoolkit.core.lm.TextLanguageModel.TokenizerKind;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.GateActivation;
import dev.seqtoolkit.core.nn.RecurrentWeights;
import dev.seqtoolkit.core.text.Vocabulary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link TextLanguageModel} exported to one self-contained ONNX file, and generation from it in
 * ONNX Runtime with the same tokenizer and vocabulary.
 *
 * <p>The graph is {@link LanguageModelExporter}'s step graph. Besides its
 * {@value LanguageModelExporter#CONFIG_KEY}, the file's {@code metadata_props} hold
 * {@value #MODEL_CONFIG_KEY} (the {@link LanguageModelConfig} JSON), {@value #TOKENIZER_KEY} (the
 * {@link TokenizerKind}, lowercase), {@value #VOCABULARY_KEY} (the tokens in id order as a JSON
 * array), {@value #VOCABULARY_SHA_KEY} (the vocabulary's SHA-256, checked on load) and
 * {@value #PROVENANCE_KEY} (the {@link Provenance} JSON).
 *
 * <p>Gate variants that ONNX's {@code LSTM}/{@code GRU} {@code activations} attribute expresses
 * export; the time gate does not and fails with {@link UnsupportedOperationException}.
 *
 * <p>Thread-safe: generation calls each own their recurrent state.
 */
public final class OnnxLanguageModel implements AutoCloseable {
    public static final String MODEL_CONFIG_KEY = "seqtoolkit.lm.model";
    public static final String TOKENIZER_KEY = "seqtoolkit.lm.tokenizer";
    public static final String VOCABULARY_KEY = "seqtoolkit.lm.vocabulary";
    public static final String VOCABULARY_SHA_KEY = "seqtoolkit.lm.vocabularySha256";
    public static final String PROVENANCE_KEY = "seqtoolkit.provenance";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OnnxModel model;
    private final LanguageModelSession session;
    private final TokenizerKind tokenizerKind;
    private final Vocabulary vocabulary;
    private final LanguageModelConfig config;

    private OnnxLanguageModel(OnnxModel model, LanguageModelSession session, TokenizerKind kind, Vocabulary vocabulary,
            LanguageModelConfig config) {
        this.model = model;
        this.session = session;
        this.tokenizerKind = kind;
        this.vocabulary = vocabulary;
        this.config = config;
    }

    /**
     * The exporter for a DJL language model's current weights.
     *
     * @throws UnsupportedOperationException naming the variant if ONNX's recurrent operators cannot
     *     express the cell (the time gate)
     */
    public static LanguageModelExporter.Builder exporter(LanguageModel model) {
        LanguageModelConfig c = model.config();
        if (c.timeGate()) {
            throw new UnsupportedOperationException("Cannot export this language model to ONNX: its LSTM has a time "
                    + "gate on the input gate, which ONNX's LSTM operator cannot express (only the gate, candidate and "
                    + "cell activations are configurable); export a model without timeGate");
        }
        CellVariant variant = CellVariant.builder()
                .optGateActivation(activation(c.gateActivation()))
                .optCandidateActivation(activation(c.candidateActivation()))
                .optCellOutputActivation(activation(c.cellActivation()))
                .build();
        Cell cell = c.cell() == CellType.LSTM ? Cell.LSTM : Cell.GRU;
        LanguageModelExporter.Builder b = LanguageModelExporter.builder(cell).setVocabularySize(c.vocabSize())
                .optVariant(variant);
        if (c.embeddingSize() > 0) {
            b.optEmbedding(model.embedding().weight().toFloatArray(), c.embeddingSize());
        }
        int in = c.inputSize();
        for (int l = 0; l < c.numLayers(); l++) {
            RecurrentWeights w = model.encoder().weights(l, 0);
            b.addLayer(FusedRecurrentWeights.of(cell, in, c.hiddenSize(), w.i2hWeight().toFloatArray(),
                    w.h2hWeight().toFloatArray(), w.i2hBias().toFloatArray(), w.h2hBias().toFloatArray()));
            in = c.hiddenSize();
        }
        NDArray weight = model.outputLayer().getParameters().get("weight").getArray(); // (V, H)
        NDArray bias = model.outputLayer().getParameters().get("bias").getArray(); // (V)
        b.setOutputLayer(weight.toFloatArray(), bias.toFloatArray());
        return b;
    }

    /** ONNX's name for a gate activation; all four of the toolkit's exist in ONNX. */
    static CellVariant.Activation activation(GateActivation a) {
        switch (a) {
            case SIGMOID:
                return CellVariant.Activation.SIGMOID;
            case TANH:
                return CellVariant.Activation.TANH;
            case RELU:
                return CellVariant.Activation.RELU;
            case HARD_SIGMOID:
                return CellVariant.Activation.HARD_SIGMOID;
            default:
                throw new UnsupportedOperationException("No ONNX activation for " + a);
        }
    }

    /**
     * Writes {@code lm} as one ONNX file (atomically) with tokenizer, vocabulary, config and
     * provenance in its metadata.
     *
     * @throws UnsupportedOperationException if the cell variant cannot be expressed in ONNX
     */
    public static void export(TextLanguageModel lm, Path file, Provenance provenance) throws IOException {
        LanguageModelExporter.Builder b = exporter(lm.model());
        Vocabulary v = lm.vocabulary();
        b.putMetadata(MODEL_CONFIG_KEY, JSON.writeValueAsString(lm.model().config()))
                .putMetadata(TOKENIZER_KEY, lm.tokenizerKind().name().toLowerCase(Locale.ROOT))
                .putMetadata(VOCABULARY_KEY, JSON.writeValueAsString(v.tokens()))
                .putMetadata(VOCABULARY_SHA_KEY, v.sha256())
                .putMetadata(PROVENANCE_KEY, new String(provenance.toJson(), StandardCharsets.UTF_8));
        b.build().save(file);
    }

    /** Loads with {@link OnnxModel.Options#defaults()}. */
    public static OnnxLanguageModel load(Path file) throws IOException {
        return load(file, OnnxModel.Options.defaults());
    }

    /**
     * Loads a file written by {@link #export}.
     *
     * @throws InvalidModelException if the file is not ONNX, truncated, too new, lacks the metadata
     *     or has an inconsistent vocabulary
     */
    public static OnnxLanguageModel load(Path file, OnnxModel.Options options) throws IOException {
        OnnxModel model = OnnxModel.load(file, options);
        try {
            LanguageModelSession session = LanguageModelSession.open(model);
            String kindName = required(model, TOKENIZER_KEY);
            TokenizerKind kind;
            LanguageModelConfig config;
            Vocabulary vocabulary;
            try {
                kind = TokenizerKind.valueOf(kindName.toUpperCase(Locale.ROOT));
                config = JSON.readValue(required(model, MODEL_CONFIG_KEY), LanguageModelConfig.class);
                List<String> tokens = new ArrayList<>();
                for (JsonNode t : JSON.readTree(required(model, VOCABULARY_KEY))) {
                    tokens.add(t.asText());
                }
                vocabulary = Vocabulary.of(tokens);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new InvalidModelException(InvalidModelException.Reason.SIGNATURE_MISMATCH, file,
                        "unreadable language-model metadata: " + e.getMessage(), e);
            }
            String sha = required(model, VOCABULARY_SHA_KEY);
            if (!sha.equals(vocabulary.sha256()) || vocabulary.size() != session.vocabularySize()) {
                throw new InvalidModelException(InvalidModelException.Reason.SIGNATURE_MISMATCH, file,
                        "the vocabulary in the metadata (" + vocabulary.size() + " tokens, sha256 " + vocabulary.sha256()
                                + ") does not match the recorded hash " + sha + " or the graph's " + session.vocabularySize()
                                + " logits", null);
            }
            return new OnnxLanguageModel(model, session, kind, vocabulary, config);
        } catch (IOException | RuntimeException e) {
            try {
                model.close();
            } catch (OrtException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static String required(OnnxModel model, String key) throws InvalidModelException {
        return model.metadata(key).orElseThrow(() -> new InvalidModelException(
                InvalidModelException.Reason.SIGNATURE_MISMATCH, model.file(), "no '" + key
                        + "' metadata; not a language model exported by OnnxLanguageModel.export", null));
    }

    public TokenizerKind tokenizerKind() {
        return tokenizerKind;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public LanguageModelConfig config() {
        return config;
    }

    /** The step session, for callers that manage state themselves. */
    public LanguageModelSession session() {
        return session;
    }

    /**
     * Logits of every position of one sequence, from a zero state.
     *
     * @return {@code (ids.length, V)} row-major
     */
    public float[] logits(int[] ids) throws OrtException {
        long[] tokens = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            tokens[i] = ids[i];
        }
        return session.run(session.newState(1), tokens, ids.length);
    }

    /**
     * Continues {@code prefix} by {@code count} tokens chosen by {@code sampler}; as {@link
     * TextLanguageModel#generate}, returns the prefix as the tokenizer sees it followed by the
     * continuation.
     */
    public String generate(String prefix, int count, Sampler sampler) throws OrtException {
        if (count < 0) {
            throw new IllegalArgumentException("Token count must not be negative, got " + count);
        }
        int[] prefixIds = tokenizerKind.encode(vocabulary, prefix, null);
        if (prefixIds.length == 0) {
            throw new IllegalArgumentException("The prefix '" + prefix + "' has no tokens after preprocessing");
        }
        long[] prompt = new long[prefixIds.length];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = prefixIds[i];
        }
        long[] generated = session.generate(prompt, count, sampler, -1);
        int[] all = new int[prefixIds.length + generated.length];
        System.arraycopy(prefixIds, 0, all, 0, prefixIds.length);
        for (int i = 0; i < generated.length; i++) {
            all[prefixIds.length + i] = (int) generated[i];
        }
        return tokenizerKind.decode(vocabulary, all);
    }

    @Override
    public void close() throws OrtException {
        model.close();
    }
}
