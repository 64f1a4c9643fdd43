package dev.seqtoolkit.summarize.abstractive;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import dev.seqtoolkit.core.text.TextFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything that defines an {@link AbstractiveSummarizer}, as one JSON document with four sections:
 * {@code text} (tokens and vocabulary), {@code model} (the network), {@code training} and {@code
 * decoding} (the defaults of {@link AbstractiveSummarizer#summarize(java.util.List)}). Every section
 * and field may be left out and takes its documented default; unknown fields are rejected and every
 * value is checked, so a typo or a bad value fails naming the field.
 *
 * @param text tokenization, truncation and vocabulary
 * @param model the network
 * @param training training settings
 * @param decoding decoding defaults
 */
public record AbstractiveConfig(Text text, Model model, Training training, DecodeOptions decoding) {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Fills absent sections with their defaults and checks what spans sections. */
    public AbstractiveConfig {
        text = text == null ? Text.defaults() : text;
        model = model == null ? Model.defaults() : model;
        training = training == null ? Training.defaults() : training;
        decoding = decoding == null ? DecodeOptions.defaults() : decoding;
        if (model.utteranceHiddenSize() > 0 && !text.turnSeparators()) {
            throw new IllegalArgumentException("model.utteranceHiddenSize needs text.turnSeparators: the utterance"
                    + " encoder cuts documents at the turn tokens");
        }
    }

    /** @return a config with every default */
    public static AbstractiveConfig defaults() {
        return new AbstractiveConfig(null, null, null, null);
    }

    /** @return a copy with another text section */
    public AbstractiveConfig withText(Text t) {
        return new AbstractiveConfig(t, model, training, decoding);
    }

    /** @return a copy with another model section */
    public AbstractiveConfig withModel(Model m) {
        return new AbstractiveConfig(text, m, training, decoding);
    }

    /** @return a copy with another training section */
    public AbstractiveConfig withTraining(Training t) {
        return new AbstractiveConfig(text, model, t, decoding);
    }

    /** @return a copy with another decoding section */
    public AbstractiveConfig withDecoding(DecodeOptions d) {
        return new AbstractiveConfig(text, model, training, d);
    }

    /**
     * Tokens and vocabulary. Documents and summaries are split into words by CoreNLP ({@link
     * dev.seqtoolkit.core.text.CoreNlpTokenizer}); each line of a document (a dialogue turn) is
     * tokenized on its own and, with {@code turnSeparators}, consecutive lines are joined by the token
     * {@value AbstractiveText#TURN}. One vocabulary serves documents and summaries (the copy mechanism
     * needs it): the most frequent words of the training documents and summaries.
     *
     * @param lowercase lowercase every token (input and output); default true (ROUGE compares
     *     lowercased words, and the vocabulary is smaller)
     * @param turnSeparators mark line breaks of a document with {@value AbstractiveText#TURN}; default true
     * @param maxSourceTokens a document is cut to its first this many tokens (training and
     *     summarizing); default 400
     * @param maxTargetTokens a training summary is cut to its first this many tokens; default 100
     * @param vocabMaxSize the vocabulary's size cap, reserved ids included; default 10000
     * @param vocabMinCount the fewest occurrences a word needs to enter the vocabulary; default 1
     */
    public record Text(boolean lowercase, boolean turnSeparators, int maxSourceTokens, int maxTargetTokens,
            int vocabMaxSize, int vocabMinCount) {
        /** Checks every value. */
        public Text {
            atLeast("text.maxSourceTokens", maxSourceTokens, 1);
            atLeast("text.maxTargetTokens", maxTargetTokens, 1);
            atLeast("text.vocabMaxSize", vocabMaxSize, 5);
            atLeast("text.vocabMinCount", vocabMinCount, 1);
        }

        @JsonCreator
        static Text fromJson(@JsonProperty("lowercase") Boolean lowercase,
                @JsonProperty("turnSeparators") Boolean turnSeparators,
                @JsonProperty("maxSourceTokens") Integer maxSourceTokens,
                @JsonProperty("maxTargetTokens") Integer maxTargetTokens,
                @JsonProperty("vocabMaxSize") Integer vocabMaxSize,
                @JsonProperty("vocabMinCount") Integer vocabMinCount) {
            Text d = defaults();
            return new Text(or(lowercase, d.lowercase), or(turnSeparators, d.turnSeparators),
                    or(maxSourceTokens, d.maxSourceTokens), or(maxTargetTokens, d.maxTargetTokens),
                    or(vocabMaxSize, d.vocabMaxSize), or(vocabMinCount, d.vocabMinCount));
        }

        /** @return the defaults */
        public static Text defaults() {
            return new Text(true, true, 400, 100, 10000, 1);
        }
    }

    /**
     * The network: an embedding shared in size by both sides, a bidirectional recurrent encoder, a
     * linear bridge to the decoder, additive attention and a Bahdanau-style decoder (as See et al.
     * 2017), with the pointer-generator copy mechanism, coverage and an utterance-level encoder for
     * dialogues as switches.
     *
     * @param embeddingSize word vector width; default 128
     * @param encoderHiddenSize hidden units per encoder direction; default 256
     * @param decoderHiddenSize decoder hidden units; default 256
     * @param attentionHiddenSize additive attention units; default 256
     * @param cell LSTM (default) or GRU
     * @param copy the pointer-generator copy mechanism; default true
     * @param coverage coverage attention and loss; default false
     * @param coverageWeight the coverage loss weight (with coverage); default 1
     * @param dropout dropout in training, in [0, 1); default 0
     * @param utteranceHiddenSize with a positive value, an utterance-level encoder of this many units
     *     per direction over the document's lines (see {@link Seq2SeqConfig#utteranceHiddenSize()});
     *     needs {@code text.turnSeparators}; 0 (default) for none
     */
    public record Model(int embeddingSize, int encoderHiddenSize, int decoderHiddenSize, int attentionHiddenSize,
            CellType cell, boolean copy, boolean coverage, float coverageWeight, float dropout,
            int utteranceHiddenSize) {
        /** Checks every value. */
        public Model {
            atLeast("model.embeddingSize", embeddingSize, 1);
            atLeast("model.encoderHiddenSize", encoderHiddenSize, 1);
            atLeast("model.decoderHiddenSize", decoderHiddenSize, 1);
            atLeast("model.attentionHiddenSize", attentionHiddenSize, 1);
            Objects.requireNonNull(cell, "model.cell");
            if (!(coverageWeight >= 0) || Float.isInfinite(coverageWeight)) {
                throw new IllegalArgumentException("model.coverageWeight must be >= 0 and finite, got " + coverageWeight);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("model.dropout must be in [0, 1), got " + dropout);
            }
            atLeast("model.utteranceHiddenSize", utteranceHiddenSize, 0);
        }

        /** This model with another utterance encoder size (0 for none). */
        public Model withUtteranceHiddenSize(int size) {
            return new Model(embeddingSize, encoderHiddenSize, decoderHiddenSize, attentionHiddenSize, cell, copy,
                    coverage, coverageWeight, dropout, size);
        }

        @JsonCreator
        static Model fromJson(@JsonProperty("embeddingSize") Integer embeddingSize,
                @JsonProperty("encoderHiddenSize") Integer encoderHiddenSize,
                @JsonProperty("decoderHiddenSize") Integer decoderHiddenSize,
                @JsonProperty("attentionHiddenSize") Integer attentionHiddenSize,
                @JsonProperty("cell") CellType cell, @JsonProperty("copy") Boolean copy,
                @JsonProperty("coverage") Boolean coverage, @JsonProperty("coverageWeight") Float coverageWeight,
                @JsonProperty("dropout") Float dropout,
                @JsonProperty("utteranceHiddenSize") Integer utteranceHiddenSize) {
            Model d = defaults();
            return new Model(or(embeddingSize, d.embeddingSize), or(encoderHiddenSize, d.encoderHiddenSize),
                    or(decoderHiddenSize, d.decoderHiddenSize), or(attentionHiddenSize, d.attentionHiddenSize),
                    or(cell, d.cell), or(copy, d.copy), or(coverage, d.coverage),
                    or(coverageWeight, d.coverageWeight), or(dropout, d.dropout),
                    or(utteranceHiddenSize, d.utteranceHiddenSize));
        }

        /** @return the defaults */
        public static Model defaults() {
            return new Model(128, 256, 256, 256, CellType.LSTM, true, false, 1f, 0f, 0);
        }

        /**
         * The network's config for a vocabulary of {@code vocabularySize} ids (both sides).
         *
         * @param turnId the id of the turn token, which ends utterances (read with the utterance
         *     encoder only)
         * @throws IllegalArgumentException naming the {@code model.} setting that is wrong
         */
        public Seq2SeqConfig seq2seqConfig(int vocabularySize, int turnId) {
            try {
                return Seq2SeqConfig.builder()
                        .setSourceVocabSize(vocabularySize)
                        .setTargetVocabSize(vocabularySize)
                        .setEmbeddingSize(embeddingSize)
                        .setEncoderHiddenSize(encoderHiddenSize)
                        .setDecoderHiddenSize(decoderHiddenSize)
                        .optAttention(Seq2SeqConfig.AttentionType.ADDITIVE, attentionHiddenSize)
                        .optCell(cell)
                        .optBridge(Seq2SeqConfig.Bridge.LINEAR)
                        .optDropout(dropout)
                        .optCopy(copy)
                        .optCoverage(coverage)
                        .optCoverageWeight(coverage ? coverageWeight : 0f)
                        .optUtteranceEncoder(utteranceHiddenSize, utteranceHiddenSize > 0 ? turnId : 0)
                        .build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("model: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Training settings (Adam with a fixed rate, global-norm clipping, early stopping on the dev
     * loss when a dev set is given).
     *
     * @param epochs passes over the training data; default 10
     * @param batchSize examples per batch; default 16
     * @param learningRate Adam's rate; default 0.001
     * @param clipNorm global gradient-norm clip, 0 for none; default 2
     * @param patience dev evaluations without a lower dev loss before stopping; 0 never stops early;
     *     default 3
     * @param seed seed of the data order, initialisation and dropout; default 42
     */
    public record Training(int epochs, int batchSize, float learningRate, float clipNorm, int patience, long seed) {
        /** Checks every value. */
        public Training {
            atLeast("training.epochs", epochs, 1);
            atLeast("training.batchSize", batchSize, 1);
            if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new IllegalArgumentException("training.learningRate must be positive and finite, got "
                        + learningRate);
            }
            if (!(clipNorm >= 0) || Float.isInfinite(clipNorm)) {
                throw new IllegalArgumentException("training.clipNorm must be >= 0 and finite, got " + clipNorm);
            }
            atLeast("training.patience", patience, 0);
        }

        @JsonCreator
        static Training fromJson(@JsonProperty("epochs") Integer epochs, @JsonProperty("batchSize") Integer batchSize,
                @JsonProperty("learningRate") Float learningRate, @JsonProperty("clipNorm") Float clipNorm,
                @JsonProperty("patience") Integer patience, @JsonProperty("seed") Long seed) {
            Training d = defaults();
            return new Training(or(epochs, d.epochs), or(batchSize, d.batchSize), or(learningRate, d.learningRate),
                    or(clipNorm, d.clipNorm), or(patience, d.patience), or(seed, d.seed));
        }

        /** @return the defaults */
        public static Training defaults() {
            return new Training(10, 16, 1e-3f, 2f, 3, 42);
        }
    }

    @JsonCreator
    static AbstractiveConfig fromJson(@JsonProperty("text") Text text, @JsonProperty("model") Model model,
            @JsonProperty("training") Training training, @JsonProperty("decoding") DecodeOptions decoding) {
        return new AbstractiveConfig(text, model, training, decoding);
    }

    /** @return this config as a JSON tree */
    public JsonNode toJsonTree() {
        return JSON.valueToTree(this);
    }

    /**
     * Reads a config from a JSON tree.
     *
     * @param source what the tree came from, for messages
     * @throws IOException naming the source and the offending field
     */
    public static AbstractiveConfig fromJsonTree(JsonNode tree, String source) throws IOException {
        try {
            AbstractiveConfig config = JSON.treeToValue(tree, AbstractiveConfig.class);
            if (config == null) {
                throw new IOException(source + ": empty summarizer config");
            }
            return config;
        } catch (JsonProcessingException e) {
            throw new IOException("invalid summarizer config " + source + ": " + describe(e), e);
        }
    }

    /**
     * Loads a config file.
     *
     * @throws IOException if the file is missing, not UTF-8, not JSON, or holds an unknown field or a
     *     bad value; the message names the file and the field
     */
    public static AbstractiveConfig load(Path file) throws IOException {
        String content = TextFiles.readString(file);
        try {
            return fromJsonTree(JSON.readTree(content), file.toString());
        } catch (JsonProcessingException e) {
            throw new IOException("invalid summarizer config " + file + ": " + describe(e), e);
        }
    }

    /** Writes the config as indented JSON through a temporary file and an atomic rename. */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(this));
    }

    static String describe(JsonProcessingException e) {
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return e.getCause().getMessage();
        }
        return e.getOriginalMessage();
    }

    static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be at least " + min + ", got " + value);
        }
    }

    static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
