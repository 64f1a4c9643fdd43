package dev.seqtoolkit.translate;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import dev.seqtoolkit.core.text.TextFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything that defines a translator, as one JSON document with four sections: {@code pipeline}
 * (text preparation), {@code model} (the network), {@code training} and {@code decoding}
 * (defaults for {@link Translator#translate}). Every section and field may be left out and then
 * takes its documented default; unknown fields are rejected and every value is checked, so a typo
 * or a bad value fails naming the field.
 *
 * @param pipeline text preparation
 * @param model the network: a {@link Seq2SeqConfig} JSON object without the two vocabulary sizes,
 *     which training fills in from the learned vocabularies; absent fields take Seq2SeqConfig's
 *     defaults, and the section's default is {@link #defaultModel()}
 * @param training training settings
 * @param decoding decoding defaults
 */
public record TranslatorConfig(Pipeline pipeline, ObjectNode model, Training training, Decoding decoding) {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);
    /** Reads Seq2SeqConfig, whose absent primitive fields take their defaults. */
    static final ObjectMapper MODEL_JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Fills absent sections with their defaults and checks the model section. */
    public TranslatorConfig {
        pipeline = pipeline == null ? Pipeline.defaults() : pipeline;
        model = model == null ? defaultModel() : model.deepCopy();
        modelConfig(model, 5, 5); // checks every field, naming it
        training = training == null ? Training.defaults() : training;
        decoding = decoding == null ? Decoding.defaults() : decoding;
    }

    /** @return a config with every default */
    public static TranslatorConfig defaults() {
        return new TranslatorConfig(null, null, null, null);
    }

    /**
     * The default network for Multi30k-sized data: 256-wide embeddings, a bidirectional LSTM
     * encoder of 256 per direction, an LSTM decoder of 512 with additive (Bahdanau) attention of
     * 256, dropout 0.2 and label smoothing 0.1.
     */
    public static ObjectNode defaultModel() {
        ObjectNode node = JSON.createObjectNode();
        node.put("embeddingSize", 256);
        node.put("encoderHiddenSize", 256);
        node.put("decoderHiddenSize", 512);
        node.put("attention", "ADDITIVE");
        node.put("attentionHiddenSize", 256);
        node.put("dropout", 0.2);
        node.put("labelSmoothing", 0.1);
        return node;
    }

    /** @return a copy of the model section */
    @Override
    public ObjectNode model() {
        return model.deepCopy();
    }

    /**
     * The network's config for the given vocabulary sizes.
     *
     * @throws IllegalArgumentException naming the {@code model.} field that is wrong
     */
    public Seq2SeqConfig modelConfig(int sourceVocabSize, int targetVocabSize) {
        return modelConfig(model, sourceVocabSize, targetVocabSize);
    }

    private static Seq2SeqConfig modelConfig(ObjectNode model, int sourceVocabSize, int targetVocabSize) {
        for (String field : List.of("sourceVocabSize", "targetVocabSize")) {
            if (model.has(field)) {
                throw new IllegalArgumentException("model." + field
                        + " is set from the learned vocabulary; leave it out of the translator config");
            }
        }
        ObjectNode full = model.deepCopy();
        full.put("sourceVocabSize", sourceVocabSize);
        full.put("targetVocabSize", targetVocabSize);
        Seq2SeqConfig config;
        try {
            config = MODEL_JSON.treeToValue(full, Seq2SeqConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("model: " + describe(e), e);
        }
        if (config.copy()) {
            throw new IllegalArgumentException("model.copy is not supported by the translator: the copy mechanism"
                    + " needs one vocabulary shared by both languages and sources with extended ids");
        }
        return config;
    }

    /** @return a copy with another model section */
    public TranslatorConfig withModel(ObjectNode m) {
        return new TranslatorConfig(pipeline, m, training, decoding);
    }

    /** @return a copy with another pipeline section */
    public TranslatorConfig withPipeline(Pipeline p) {
        return new TranslatorConfig(p, model, training, decoding);
    }

    /** @return a copy with another training section */
    public TranslatorConfig withTraining(Training t) {
        return new TranslatorConfig(pipeline, model, t, decoding);
    }

    /** @return a copy with another decoding section */
    public TranslatorConfig withDecoding(Decoding d) {
        return new TranslatorConfig(pipeline, model, training, d);
    }

    /**
     * Text preparation: CoreNLP tokens, optionally lowercased, then BPE subwords, then ids.
     *
     * <p><b>Case.</b> Lowercasing is off by default: BLEU is computed cased on detokenized output, and
     * a lowercasing translator produces lowercase output, which costs BLEU on every capital of the
     * reference (German nouns above all). Turn it on only to shrink vocabularies when cased output is
     * not needed.
     *
     * <p><b>Length limit.</b> {@code maxSourceTokens} counts subword tokens after BPE (what the
     * encoder sees). Longer sentences are refused with a {@link SourceTooLongException} naming the
     * limit; the limit itself may be set up to {@value #MAX_SOURCE_TOKENS_LIMIT}. A 1,000-word line
     * is therefore refused under the default of {@value #DEFAULT_MAX_SOURCE_TOKENS}: an attention
     * model trained on image captions (Multi30k sentences have at most about 40 words) does not
     * translate such input usefully, and decoding it costs time and memory in proportion.
     *
     * @param merges BPE merges to learn (0 keeps whole characters); default 8000
     * @param joint one BPE learned on both languages (true, default) or one per language
     * @param lowercase lowercase tokens before BPE; default false
     * @param vocabMinCount minimum count of a subword to get its own id; default 1
     * @param vocabMaxSize maximum vocabulary size per language including the 4 reserved ids; 0 for
     *     no cap (default)
     * @param maxSourceTokens longest accepted source in subword tokens; default 256, at most 1024
     */
    public record Pipeline(int merges, boolean joint, boolean lowercase, int vocabMinCount, int vocabMaxSize,
            int maxSourceTokens) {
        /** The default of {@link #maxSourceTokens()}. */
        public static final int DEFAULT_MAX_SOURCE_TOKENS = 256;
        /** The largest value {@link #maxSourceTokens()} may take. */
        public static final int MAX_SOURCE_TOKENS_LIMIT = 1024;

        /** Checks every value. */
        public Pipeline {
            atLeast("pipeline.merges", merges, 0);
            atLeast("pipeline.vocabMinCount", vocabMinCount, 1);
            if (vocabMaxSize != 0 && vocabMaxSize < 5) {
                throw new IllegalArgumentException(
                        "pipeline.vocabMaxSize must be 0 (no cap) or at least 5 (4 reserved ids and one token), got "
                                + vocabMaxSize);
            }
            if (maxSourceTokens < 1 || maxSourceTokens > MAX_SOURCE_TOKENS_LIMIT) {
                throw new IllegalArgumentException("pipeline.maxSourceTokens must be in [1, " + MAX_SOURCE_TOKENS_LIMIT
                        + "], got " + maxSourceTokens);
            }
        }

        @JsonCreator
        static Pipeline fromJson(@JsonProperty("merges") Integer merges, @JsonProperty("joint") Boolean joint,
                @JsonProperty("lowercase") Boolean lowercase, @JsonProperty("vocabMinCount") Integer vocabMinCount,
                @JsonProperty("vocabMaxSize") Integer vocabMaxSize,
                @JsonProperty("maxSourceTokens") Integer maxSourceTokens) {
            Pipeline d = defaults();
            return new Pipeline(or(merges, d.merges), or(joint, d.joint), or(lowercase, d.lowercase),
                    or(vocabMinCount, d.vocabMinCount), or(vocabMaxSize, d.vocabMaxSize),
                    or(maxSourceTokens, d.maxSourceTokens));
        }

        /** @return the defaults */
        public static Pipeline defaults() {
            return new Pipeline(8000, true, false, 1, 0, DEFAULT_MAX_SOURCE_TOKENS);
        }
    }

    /** The optimizer used for training. */
    public enum OptimizerKind { ADAM, SGD }

    /** The learning-rate schedule used for training. */
    public enum ScheduleKind {
        /** The rate stays {@code learningRate}. */
        FIXED,
        /** The rate is halved after an evaluation that does not improve the early-stopping metric. */
        PLATEAU
    }

    /** What early stopping (and the plateau schedule) watches on the dev set. */
    public enum StopMetric {
        /** Dev BLEU of greedy translations (higher is better). */
        BLEU,
        /** Dev cross-entropy per target token (lower is better). */
        LOSS;

        /** @return the metric's name in the trainer's dev metrics */
        public String metricName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Training settings. Label smoothing belongs to the model section ({@code model.labelSmoothing}),
     * since the model's loss applies it.
     *
     * @param epochs passes over the training data; default 20
     * @param batchSize sentence pairs per batch; default 64
     * @param maxTokens padded tokens per batch when positive (a token budget that further limits
     *     {@code batchSize}); 0 for none (default)
     * @param maxLength training pairs with a side longer than this many subwords are left out;
     *     default 100
     * @param optimizer ADAM (default) or SGD
     * @param learningRate default 0.001
     * @param schedule FIXED (default) or PLATEAU
     * @param clipNorm global gradient-norm clip; 0 for none; default 1
     * @param earlyStopping BLEU (default) or LOSS on the dev set
     * @param patience evaluations without improvement before stopping; 0 disables early stopping;
     *     default 3
     * @param devSentences dev pairs scored per evaluation (the first ones); 0 for all; default 0
     * @param seed seed of the data order, initialisation and dropout; default 42
     */
    public record Training(int epochs, int batchSize, int maxTokens, int maxLength, OptimizerKind optimizer,
            float learningRate, ScheduleKind schedule, float clipNorm, StopMetric earlyStopping,
            int patience, int devSentences, long seed) {
        /** Checks every value. */
        public Training {
            atLeast("training.epochs", epochs, 1);
            atLeast("training.batchSize", batchSize, 1);
            atLeast("training.maxTokens", maxTokens, 0);
            atLeast("training.maxLength", maxLength, 1);
            Objects.requireNonNull(optimizer, "training.optimizer");
            Objects.requireNonNull(schedule, "training.schedule");
            Objects.requireNonNull(earlyStopping, "training.earlyStopping");
            if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new IllegalArgumentException("training.learningRate must be positive and finite, got " + learningRate);
            }
            if (!(clipNorm >= 0) || Float.isInfinite(clipNorm)) {
                throw new IllegalArgumentException("training.clipNorm must be >= 0 and finite, got " + clipNorm);
            }
            atLeast("training.patience", patience, 0);
            atLeast("training.devSentences", devSentences, 0);
        }

        @JsonCreator
        static Training fromJson(@JsonProperty("epochs") Integer epochs, @JsonProperty("batchSize") Integer batchSize,
                @JsonProperty("maxTokens") Integer maxTokens, @JsonProperty("maxLength") Integer maxLength,
                @JsonProperty("optimizer") OptimizerKind optimizer, @JsonProperty("learningRate") Float learningRate,
                @JsonProperty("schedule") ScheduleKind schedule, @JsonProperty("clipNorm") Float clipNorm,
                @JsonProperty("earlyStopping") StopMetric earlyStopping, @JsonProperty("patience") Integer patience,
                @JsonProperty("devSentences") Integer devSentences, @JsonProperty("seed") Long seed) {
            Training d = defaults();
            return new Training(or(epochs, d.epochs), or(batchSize, d.batchSize), or(maxTokens, d.maxTokens),
                    or(maxLength, d.maxLength), or(optimizer, d.optimizer), or(learningRate, d.learningRate),
                    or(schedule, d.schedule), or(clipNorm, d.clipNorm),
                    or(earlyStopping, d.earlyStopping), or(patience, d.patience), or(devSentences, d.devSentences),
                    or(seed, d.seed));
        }

        /** @return the defaults */
        public static Training defaults() {
            return new Training(20, 64, 0, 100, OptimizerKind.ADAM, 1e-3f, ScheduleKind.FIXED, 1f,
                    StopMetric.BLEU, 3, 0, 42);
        }
    }

    /**
     * Decoding defaults.
     *
     * @param beamSize 1 for greedy search, else beam search; default 5
     * @param lengthPenalty GNMT length-penalty exponent alpha (beam search only); default 0.6
     * @param maxLengthRatio output length limit {@code floor(ratio * sourceLength + offset)} subwords;
     *     default 1.5
     * @param maxLengthOffset see {@code maxLengthRatio}; default 10
     * @param replaceUnknown replace {@code <unk>} in the output by the most-attended source word;
     *     default true
     * @param batchSize sentences decoded together by {@link Translator#translate(java.util.List)};
     *     default 64
     */
    public record Decoding(int beamSize, double lengthPenalty, double maxLengthRatio, int maxLengthOffset,
            boolean replaceUnknown, int batchSize) {
        /** Checks every value. */
        public Decoding {
            atLeast("decoding.beamSize", beamSize, 1);
            if (!(lengthPenalty >= 0) || Double.isInfinite(lengthPenalty)) {
                throw new IllegalArgumentException("decoding.lengthPenalty must be >= 0 and finite, got " + lengthPenalty);
            }
            if (!(maxLengthRatio > 0) || Double.isInfinite(maxLengthRatio)) {
                throw new IllegalArgumentException("decoding.maxLengthRatio must be positive and finite, got "
                        + maxLengthRatio);
            }
            atLeast("decoding.maxLengthOffset", maxLengthOffset, 0);
            atLeast("decoding.batchSize", batchSize, 1);
        }

        @JsonCreator
        static Decoding fromJson(@JsonProperty("beamSize") Integer beamSize,
                @JsonProperty("lengthPenalty") Double lengthPenalty, @JsonProperty("maxLengthRatio") Double maxLengthRatio,
                @JsonProperty("maxLengthOffset") Integer maxLengthOffset,
                @JsonProperty("replaceUnknown") Boolean replaceUnknown, @JsonProperty("batchSize") Integer batchSize) {
            Decoding d = defaults();
            return new Decoding(or(beamSize, d.beamSize), or(lengthPenalty, d.lengthPenalty),
                    or(maxLengthRatio, d.maxLengthRatio), or(maxLengthOffset, d.maxLengthOffset),
                    or(replaceUnknown, d.replaceUnknown), or(batchSize, d.batchSize));
        }

        /** @return the defaults */
        public static Decoding defaults() {
            return new Decoding(5, 0.6, 1.5, 10, true, 64);
        }

        /** @return a copy with another beam size */
        public Decoding withBeamSize(int beam) {
            return new Decoding(beam, lengthPenalty, maxLengthRatio, maxLengthOffset, replaceUnknown, batchSize);
        }
    }

    @JsonCreator
    static TranslatorConfig fromJson(@JsonProperty("pipeline") Pipeline pipeline,
            @JsonProperty("model") ObjectNode model, @JsonProperty("training") Training training,
            @JsonProperty("decoding") Decoding decoding) {
        return new TranslatorConfig(pipeline, model, training, decoding);
    }

    /** @return this config as a JSON tree */
    public JsonNode toJsonTree() {
        return JSON.valueToTree(this);
    }

    /**
     * Reads a config from a JSON tree.
     *
     * @param tree the tree
     * @param source what the tree came from, for messages
     * @throws IOException naming the source and the offending field
     */
    public static TranslatorConfig fromJsonTree(JsonNode tree, String source) throws IOException {
        try {
            TranslatorConfig config = JSON.treeToValue(tree, TranslatorConfig.class);
            if (config == null) {
                throw new IOException(source + ": empty translator config");
            }
            return config;
        } catch (JsonProcessingException e) {
            throw new IOException("invalid translator config " + source + ": " + describe(e), e);
        }
    }

    /**
     * Loads a config file.
     *
     * @throws IOException if the file is missing, not UTF-8, not JSON, or holds an unknown field or a
     *     bad value; the message names the file and the field
     */
    public static TranslatorConfig load(Path file) throws IOException {
        String text = TextFiles.readString(file);
        try {
            return fromJsonTree(JSON.readTree(text), file.toString());
        } catch (JsonProcessingException e) {
            throw new IOException("invalid translator config " + file + ": " + describe(e), e);
        }
    }

    /** Writes the config as indented JSON through a temporary file and an atomic rename. */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(this));
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return e.getCause().getMessage();
        }
        return e.getOriginalMessage();
    }

    private static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be at least " + min + ", got " + value);
        }
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
