package dev.seqtoolkit.core.seq2seq;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.seqtoolkit.core.nn.CellType;

/**
 * The architecture of a {@link Seq2SeqModel}: embeddings, a (bidirectional) recurrent encoder, a bridge
 * to the decoder's initial state, an attention, a recurrent decoder in Bahdanau or Luong style and a
 * linear output over the target vocabulary. Checked on construction: a JSON file with a wrong value
 * fails naming the field and the value; unknown fields are rejected.
 *
 * <p>Sizes: the encoder memory has {@code M = directions * encoderHiddenSize} features per source
 * position; the decoder state has {@code decoderHiddenSize} ({@code HD}) features per layer.
 *
 * @param sourceVocabSize number of source token ids, including the reserved ones
 * @param targetVocabSize number of target token ids, including the reserved ones
 * @param embeddingSize width {@code E} of both embeddings
 * @param cell the recurrent cell of the encoder and of the decoder (default LSTM)
 * @param encoderHiddenSize hidden units per direction {@code HE}
 * @param encoderLayers stacked encoder layers (default 1)
 * @param bidirectional whether the encoder reads both ways (default true)
 * @param decoderHiddenSize decoder hidden units {@code HD}
 * @param decoderLayers stacked decoder layers (default 1)
 * @param attention the attention score (default ADDITIVE); DOT needs {@code M == HD}
 * @param attentionHiddenSize hidden size of ADDITIVE attention (must be 0 for the others)
 * @param decoderStyle BAHDANAU or LUONG (default BAHDANAU)
 * @param inputFeeding LUONG only: feed the previous attentional vector into the next step
 * @param bridge how the encoder's final states start the decoder (default CONCAT)
 * @param dropout dropout on embeddings, between layers and before the output, in training; in [0, 1)
 * @param tieTargetEmbedding share the target embedding {@code (V, E)} with the output weight; needs
 *     {@code E == HD}
 * @param labelSmoothing label smoothing of the training loss, in [0, 1)
 * @param copy the pointer-generator copy mechanism (See et al. 2017); needs one vocabulary shared by
 *     source and target and no label smoothing; default false. Source ids may then be extended ids
 *     ({@code >= V} for words outside the vocabulary, numbered per sentence, see {@link
 *     dev.seqtoolkit.core.text.ExtendedVocabulary}); both embeddings read such ids as {@code <unk>}
 * @param coverage coverage attention and loss (See et al. 2017); needs ADDITIVE attention; default
 *     false. The decoder then steps explicit cells in training whatever the style
 * @param coverageWeight the weight {@code lambda} of the coverage loss, {@code >= 0}; default 1 with
 *     coverage, and it must be 0 without
 * @param utteranceHiddenSize with a positive value, an utterance-level encoder for dialogues: the
 *     source is cut into utterances after each {@code utteranceSeparatorId}, each utterance's word
 *     states are pooled by attention into a vector, a bidirectional recurrent layer of this many units
 *     per direction reads the utterance vectors, and its state for an utterance is appended to the
 *     memory of each of the utterance's words ({@code M} grows by twice this size); 0 (default) for none
 * @param utteranceSeparatorId the source id that ends an utterance (a turn token), an ordinary id in
 *     {@code [4, sourceVocabSize)}; 0 without the utterance encoder
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Seq2SeqConfig(
        int sourceVocabSize,
        int targetVocabSize,
        int embeddingSize,
        CellType cell,
        int encoderHiddenSize,
        int encoderLayers,
        boolean bidirectional,
        int decoderHiddenSize,
        int decoderLayers,
        AttentionType attention,
        int attentionHiddenSize,
        DecoderStyle decoderStyle,
        boolean inputFeeding,
        Bridge bridge,
        float dropout,
        boolean tieTargetEmbedding,
        float labelSmoothing,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean copy,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean coverage,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) float coverageWeight,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int utteranceHiddenSize,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int utteranceSeparatorId) {

    /** The default {@link #coverageWeight()} of a model with coverage. */
    public static final float DEFAULT_COVERAGE_WEIGHT = 1f;

    /** The attention score. */
    public enum AttentionType {
        /** Bahdanau's {@code v . tanh(W_q q + W_k k)}, with {@code attentionHiddenSize} units. */
        ADDITIVE,
        /** Luong's {@code q . k}; needs {@code M == HD}. */
        DOT,
        /** Luong's {@code q . (W k)}. */
        GENERAL
    }

    /** How the decoder uses attention. */
    public enum DecoderStyle {
        /**
         * The cell steps per token with input {@code [embedding; context]}, the context computed with
         * the previous hidden state as query; the output is read from the new hidden state.
         */
        BAHDANAU,
        /**
         * The decoder RNN runs first, its new hidden state {@code h} queries the attention, and the
         * output is read from {@code tanh(W_c [context; h])}. Without input feeding the whole target
         * runs through the fused kernel at once under teacher forcing.
         */
        LUONG
    }

    /** How the encoder's final states start the decoder. */
    public enum Bridge {
        /** Final forward and backward states concatenated: needs {@code directions * encoderHiddenSize == HD}. */
        CONCAT,
        /** {@code tanh(W [h_f; h_b] + b)} (and a second layer for the LSTM cell state). */
        LINEAR,
        /** Zero states. */
        ZERO
    }

    @JsonCreator
    public Seq2SeqConfig(
            @JsonProperty(value = "sourceVocabSize", required = true) int sourceVocabSize,
            @JsonProperty(value = "targetVocabSize", required = true) int targetVocabSize,
            @JsonProperty(value = "embeddingSize", required = true) int embeddingSize,
            @JsonProperty("cell") CellType cell,
            @JsonProperty(value = "encoderHiddenSize", required = true) int encoderHiddenSize,
            @JsonProperty("encoderLayers") Integer encoderLayers,
            @JsonProperty("bidirectional") Boolean bidirectional,
            @JsonProperty(value = "decoderHiddenSize", required = true) int decoderHiddenSize,
            @JsonProperty("decoderLayers") Integer decoderLayers,
            @JsonProperty("attention") AttentionType attention,
            @JsonProperty("attentionHiddenSize") int attentionHiddenSize,
            @JsonProperty("decoderStyle") DecoderStyle decoderStyle,
            @JsonProperty("inputFeeding") boolean inputFeeding,
            @JsonProperty("bridge") Bridge bridge,
            @JsonProperty("dropout") float dropout,
            @JsonProperty("tieTargetEmbedding") boolean tieTargetEmbedding,
            @JsonProperty("labelSmoothing") float labelSmoothing,
            @JsonProperty("copy") Boolean copy,
            @JsonProperty("coverage") Boolean coverage,
            @JsonProperty("coverageWeight") Float coverageWeight,
            @JsonProperty("utteranceHiddenSize") Integer utteranceHiddenSize,
            @JsonProperty("utteranceSeparatorId") Integer utteranceSeparatorId) {
        this(sourceVocabSize, targetVocabSize, embeddingSize, cell == null ? CellType.LSTM : cell,
                encoderHiddenSize, encoderLayers == null ? 1 : encoderLayers,
                bidirectional == null || bidirectional, decoderHiddenSize,
                decoderLayers == null ? 1 : decoderLayers, attention == null ? AttentionType.ADDITIVE : attention,
                attentionHiddenSize, decoderStyle == null ? DecoderStyle.BAHDANAU : decoderStyle, inputFeeding,
                bridge == null ? Bridge.CONCAT : bridge, dropout, tieTargetEmbedding, labelSmoothing,
                copy != null && copy, coverage != null && coverage,
                coverageWeight != null ? coverageWeight : coverage != null && coverage ? DEFAULT_COVERAGE_WEIGHT : 0f,
                utteranceHiddenSize == null ? 0 : utteranceHiddenSize,
                utteranceSeparatorId == null ? 0 : utteranceSeparatorId);
    }

    /** The canonical constructor: every value given, every value checked. */
    public Seq2SeqConfig {
        positive("sourceVocabSize", sourceVocabSize);
        positive("targetVocabSize", targetVocabSize);
        if (targetVocabSize <= 4) {
            throw new IllegalArgumentException(
                    "targetVocabSize must exceed the 4 reserved ids (pad, unk, bos, eos), got " + targetVocabSize);
        }
        positive("embeddingSize", embeddingSize);
        notNull("cell", cell);
        positive("encoderHiddenSize", encoderHiddenSize);
        positive("encoderLayers", encoderLayers);
        positive("decoderHiddenSize", decoderHiddenSize);
        positive("decoderLayers", decoderLayers);
        notNull("attention", attention);
        notNull("decoderStyle", decoderStyle);
        notNull("bridge", bridge);
        if (utteranceHiddenSize < 0) {
            throw new IllegalArgumentException("utteranceHiddenSize must be >= 0 (0: no utterance encoder), got "
                    + utteranceHiddenSize);
        }
        if (utteranceHiddenSize > 0 && (utteranceSeparatorId < 4 || utteranceSeparatorId >= sourceVocabSize)) {
            throw new IllegalArgumentException("the utterance encoder needs utteranceSeparatorId, an ordinary source id"
                    + " in [4, " + sourceVocabSize + "), got " + utteranceSeparatorId);
        }
        if (utteranceHiddenSize == 0 && utteranceSeparatorId != 0) {
            throw new IllegalArgumentException("utteranceSeparatorId is for the utterance encoder; it must be 0 (or"
                    + " absent) without utteranceHiddenSize, got " + utteranceSeparatorId);
        }
        int states = (bidirectional ? 2 : 1) * encoderHiddenSize;
        int memory = states + 2 * utteranceHiddenSize;
        if (attention == AttentionType.ADDITIVE) {
            positive("attentionHiddenSize", attentionHiddenSize);
        } else if (attentionHiddenSize != 0) {
            throw new IllegalArgumentException(
                    "attentionHiddenSize is only used by ADDITIVE attention; it must be 0 for " + attention
                            + ", got " + attentionHiddenSize);
        }
        if (attention == AttentionType.DOT && memory != decoderHiddenSize) {
            throw new IllegalArgumentException(
                    "DOT attention needs directions * encoderHiddenSize" + (utteranceHiddenSize > 0
                            ? " + 2 * utteranceHiddenSize" : "") + " == decoderHiddenSize, got " + memory
                            + " (encoderHiddenSize " + encoderHiddenSize + ", bidirectional " + bidirectional
                            + ") and decoderHiddenSize " + decoderHiddenSize);
        }
        if (bridge == Bridge.CONCAT && states != decoderHiddenSize) {
            throw new IllegalArgumentException(
                    "bridge CONCAT needs directions * encoderHiddenSize == decoderHiddenSize, got " + states
                            + " and decoderHiddenSize " + decoderHiddenSize + "; use LINEAR or ZERO");
        }
        if (inputFeeding && decoderStyle != DecoderStyle.LUONG) {
            throw new IllegalArgumentException("inputFeeding is a LUONG option; decoderStyle is " + decoderStyle);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!(labelSmoothing >= 0f && labelSmoothing < 1f)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        if (tieTargetEmbedding && embeddingSize != decoderHiddenSize) {
            throw new IllegalArgumentException(
                    "tieTargetEmbedding needs embeddingSize == decoderHiddenSize (the output reads HD features), got "
                            + embeddingSize + " and " + decoderHiddenSize);
        }
        if (copy && sourceVocabSize != targetVocabSize) {
            throw new IllegalArgumentException("copy needs one vocabulary shared by source and target (extended ids"
                    + " name the same words on both sides), got sourceVocabSize " + sourceVocabSize
                    + " and targetVocabSize " + targetVocabSize);
        }
        if (copy && labelSmoothing != 0f) {
            throw new IllegalArgumentException("labelSmoothing is not supported with copy (the smoothed loss would need"
                    + " the whole extended distribution); got " + labelSmoothing);
        }
        if (coverage && attention != AttentionType.ADDITIVE) {
            throw new IllegalArgumentException("coverage feeds the ADDITIVE attention's scores (v . tanh(W_q q + W_k k"
                    + " + w_c c)); it is not defined for " + attention + " attention");
        }
        if (!(coverageWeight >= 0f) || Float.isInfinite(coverageWeight)) {
            throw new IllegalArgumentException("coverageWeight must be finite and >= 0, got " + coverageWeight);
        }
        if (!coverage && coverageWeight != 0f) {
            throw new IllegalArgumentException("coverageWeight is the weight of the coverage loss; it must be 0 (or"
                    + " absent) without coverage, got " + coverageWeight);
        }
    }

    /**
     * {@code M}: features per source position of the encoder memory, {@code directions *
     * encoderHiddenSize}, plus {@code 2 * utteranceHiddenSize} with the utterance encoder.
     */
    public int memorySize() {
        return encoderStateSize() + 2 * utteranceHiddenSize;
    }

    /** Features of the word-level encoder's states, {@code directions * encoderHiddenSize}: what the bridge reads. */
    public int encoderStateSize() {
        return (bidirectional ? 2 : 1) * encoderHiddenSize;
    }

    /** True if an utterance-level encoder extends the memory. */
    public boolean hasUtteranceEncoder() {
        return utteranceHiddenSize > 0;
    }

    /** Encoder directions, 1 or 2. */
    public int encoderDirections() {
        return bidirectional ? 2 : 1;
    }

    /**
     * True if training runs the decoder one explicit cell step per target position: BAHDANAU, input
     * feeding, and coverage (each step's attention depends on the earlier ones).
     */
    public boolean stepsInTraining() {
        return decoderStyle == DecoderStyle.BAHDANAU || inputFeeding || coverage;
    }

    /** Width of the first decoder layer's input. */
    public int decoderInputSize() {
        if (decoderStyle == DecoderStyle.BAHDANAU) {
            return embeddingSize + memorySize();
        }
        return inputFeeding ? embeddingSize + decoderHiddenSize : embeddingSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.sourceVocabSize = sourceVocabSize;
        b.targetVocabSize = targetVocabSize;
        b.embeddingSize = embeddingSize;
        b.cell = cell;
        b.encoderHiddenSize = encoderHiddenSize;
        b.encoderLayers = encoderLayers;
        b.bidirectional = bidirectional;
        b.decoderHiddenSize = decoderHiddenSize;
        b.decoderLayers = decoderLayers;
        b.attention = attention;
        b.attentionHiddenSize = attentionHiddenSize;
        b.decoderStyle = decoderStyle;
        b.inputFeeding = inputFeeding;
        b.bridge = bridge;
        b.dropout = dropout;
        b.tieTargetEmbedding = tieTargetEmbedding;
        b.labelSmoothing = labelSmoothing;
        b.copy = copy;
        b.coverage = coverage;
        b.coverageWeight = coverage ? coverageWeight : null;
        b.utteranceHiddenSize = utteranceHiddenSize;
        b.utteranceSeparatorId = utteranceSeparatorId;
        return b;
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }

    private static void notNull(String field, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
    }

    /**
     * The programmatic form of the config. Required: {@code setSourceVocabSize}, {@code
     * setTargetVocabSize}, {@code setEmbeddingSize}, {@code setEncoderHiddenSize}, {@code
     * setDecoderHiddenSize}; everything else has the defaults of the JSON form. {@link #build()} runs
     * the checks of the record.
     */
    public static final class Builder {
        private int sourceVocabSize;
        private int targetVocabSize;
        private int embeddingSize;
        private CellType cell = CellType.LSTM;
        private int encoderHiddenSize;
        private int encoderLayers = 1;
        private boolean bidirectional = true;
        private int decoderHiddenSize;
        private int decoderLayers = 1;
        private AttentionType attention = AttentionType.ADDITIVE;
        private int attentionHiddenSize;
        private DecoderStyle decoderStyle = DecoderStyle.BAHDANAU;
        private boolean inputFeeding;
        private Bridge bridge = Bridge.CONCAT;
        private float dropout;
        private boolean tieTargetEmbedding;
        private float labelSmoothing;
        private boolean copy;
        private boolean coverage;
        private Float coverageWeight;
        private int utteranceHiddenSize;
        private int utteranceSeparatorId;

        Builder() {}

        /** <b>Required</b>. */
        public Builder setSourceVocabSize(int size) {
            this.sourceVocabSize = size;
            return this;
        }

        /** <b>Required</b>. */
        public Builder setTargetVocabSize(int size) {
            this.targetVocabSize = size;
            return this;
        }

        /** <b>Required</b>: width of both embeddings. */
        public Builder setEmbeddingSize(int size) {
            this.embeddingSize = size;
            return this;
        }

        /** <b>Required</b>: hidden units per encoder direction. */
        public Builder setEncoderHiddenSize(int size) {
            this.encoderHiddenSize = size;
            return this;
        }

        /** <b>Required</b>. */
        public Builder setDecoderHiddenSize(int size) {
            this.decoderHiddenSize = size;
            return this;
        }

        /** Default LSTM. */
        public Builder optCell(CellType cell) {
            this.cell = cell;
            return this;
        }

        /** Default 1. */
        public Builder optEncoderLayers(int layers) {
            this.encoderLayers = layers;
            return this;
        }

        /** Default true. */
        public Builder optBidirectional(boolean bidirectional) {
            this.bidirectional = bidirectional;
            return this;
        }

        /** Default 1. */
        public Builder optDecoderLayers(int layers) {
            this.decoderLayers = layers;
            return this;
        }

        /** The attention score; {@code hiddenSize} is for ADDITIVE and must be 0 otherwise. */
        public Builder optAttention(AttentionType attention, int hiddenSize) {
            this.attention = attention;
            this.attentionHiddenSize = hiddenSize;
            return this;
        }

        /** Default BAHDANAU. */
        public Builder optDecoderStyle(DecoderStyle style) {
            this.decoderStyle = style;
            return this;
        }

        /** LUONG only; default false. */
        public Builder optInputFeeding(boolean inputFeeding) {
            this.inputFeeding = inputFeeding;
            return this;
        }

        /** Default CONCAT. */
        public Builder optBridge(Bridge bridge) {
            this.bridge = bridge;
            return this;
        }

        /** Default 0. */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /** Default false. */
        public Builder optTieTargetEmbedding(boolean tie) {
            this.tieTargetEmbedding = tie;
            return this;
        }

        /** Default 0. */
        public Builder optLabelSmoothing(float labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        /** The pointer-generator copy mechanism; default false. */
        public Builder optCopy(boolean copy) {
            this.copy = copy;
            return this;
        }

        /** Coverage attention and loss; default false. */
        public Builder optCoverage(boolean coverage) {
            this.coverage = coverage;
            return this;
        }

        /** The coverage loss weight; default {@value Seq2SeqConfig#DEFAULT_COVERAGE_WEIGHT} with coverage. */
        public Builder optCoverageWeight(float weight) {
            this.coverageWeight = weight;
            return this;
        }

        /**
         * An utterance-level encoder of {@code hiddenSize} units per direction over the utterances
         * ended by {@code separatorId}; default none.
         */
        public Builder optUtteranceEncoder(int hiddenSize, int separatorId) {
            this.utteranceHiddenSize = hiddenSize;
            this.utteranceSeparatorId = separatorId;
            return this;
        }

        public Seq2SeqConfig build() {
            float weight = coverageWeight != null ? coverageWeight : coverage ? DEFAULT_COVERAGE_WEIGHT : 0f;
            return new Seq2SeqConfig(sourceVocabSize, targetVocabSize, embeddingSize, cell, encoderHiddenSize,
                    encoderLayers, bidirectional, decoderHiddenSize, decoderLayers, attention, attentionHiddenSize,
                    decoderStyle, inputFeeding, bridge, dropout, tieTargetEmbedding, labelSmoothing, copy, coverage,
                    weight, utteranceHiddenSize, utteranceSeparatorId);
        }
    }
}
