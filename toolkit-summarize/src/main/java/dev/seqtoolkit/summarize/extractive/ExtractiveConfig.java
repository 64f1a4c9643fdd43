package dev.seqtoolkit.summarize.extractive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.hierarchy.DocumentLimits;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.text.TextFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Everything that defines an extractive (SummaRuNNer) summarizer: text preparation, size limits,
 * network, oracle, training and the default summary length, as one flat JSON object. Every field
 * may be left out and takes the default of {@link #builder()}; unknown fields are rejected and every
 * value is checked, naming the field.
 *
 * @param lowercase lowercase tokens (ROOT locale) before they reach the vocabulary
 * @param minCount tokens seen fewer times in training become {@code <unk>}
 * @param maxVocabulary vocabulary cap including the 4 reserved tokens
 * @param embeddingSize word vector width
 * @param cell LSTM or GRU, at both levels
 * @param hiddenSize word-level state size per direction (the word encoder is bidirectional)
 * @param attentionSize hidden size of the word attention, 0 = twice {@code hiddenSize}
 * @param sentenceHiddenSize sentence-level state size per direction; {@code h_j} has twice this width
 * @param positionSize width of the absolute and relative position embeddings
 * @param relativeSegments number of relative position buckets
 * @param dropout on word embeddings and sentence states, in [0, 1)
 * @param maxSentences sentences read per document (later ones are never extracted), see {@link
 *     DocumentLimits}; also the size of the absolute position table
 * @param maxWordsPerSentence words of each sentence the encoder reads (the extracted sentence is
 *     always whole)
 * @param overflow when summarizing, TRUNCATE (cut, counted in the summary) or REFUSE documents over the
 *     limits; training always reads an over-long document's first part
 * @param oracleSentences most sentences the greedy oracle labels 1 per training document
 * @param summarySentences sentences extracted when no length is given (and for dev ROUGE)
 * @param epochs most training epochs
 * @param batchSize documents per batch
 * @param learningRate Adam's learning rate
 * @param clipNorm global gradient-norm clip, 0 = none
 * @param earlyStopping the dev metric that picks the best epoch: ROUGE (mean of ROUGE-1/2/L F1 of
 *     the top {@code summarySentences} sentences, higher is better) or LOSS (dev cross-entropy per
 *     sentence against the oracle labels, lower is better)
 * @param patience epochs without a better dev metric before stopping
 * @param seed data order, initialisation and dropout
 */
public record ExtractiveConfig(
        boolean lowercase,
        int minCount,
        int maxVocabulary,
        int embeddingSize,
        CellType cell,
        int hiddenSize,
        int attentionSize,
        int sentenceHiddenSize,
        int positionSize,
        int relativeSegments,
        float dropout,
        int maxSentences,
        int maxWordsPerSentence,
        DocumentLimits.Overflow overflow,
        int oracleSentences,
        int summarySentences,
        int epochs,
        int batchSize,
        float learningRate,
        float clipNorm,
        DevMetric earlyStopping,
        int patience,
        long seed) {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The dev metric early stopping watches. */
    public enum DevMetric {
        /** Mean of dev ROUGE-1, ROUGE-2 and ROUGE-L F1 (maximised). */
        ROUGE,
        /** Dev cross-entropy per sentence against the oracle labels (minimised). */
        LOSS
    }

    /** Checks every field, naming it. */
    public ExtractiveConfig {
        require(minCount >= 1, "minCount", ">= 1", minCount);
        require(maxVocabulary >= 5, "maxVocabulary", ">= 5", maxVocabulary);
        require(embeddingSize >= 1, "embeddingSize", ">= 1", embeddingSize);
        require(cell != null, "cell", "LSTM or GRU", cell);
        require(hiddenSize >= 1, "hiddenSize", ">= 1", hiddenSize);
        require(attentionSize >= 0, "attentionSize", ">= 0 (0 = twice hiddenSize)", attentionSize);
        require(sentenceHiddenSize >= 1, "sentenceHiddenSize", ">= 1", sentenceHiddenSize);
        require(positionSize >= 1, "positionSize", ">= 1", positionSize);
        require(relativeSegments >= 1, "relativeSegments", ">= 1", relativeSegments);
        require(dropout >= 0f && dropout < 1f, "dropout", "in [0, 1)", dropout);
        require(maxSentences >= 1 && maxSentences <= DocumentLimits.MAX_LIMIT, "maxSentences",
                "in [1, " + DocumentLimits.MAX_LIMIT + "]", maxSentences);
        require(maxWordsPerSentence >= 1 && maxWordsPerSentence <= DocumentLimits.MAX_LIMIT, "maxWordsPerSentence",
                "in [1, " + DocumentLimits.MAX_LIMIT + "]", maxWordsPerSentence);
        require(overflow != null, "overflow", "TRUNCATE or REFUSE", overflow);
        require(oracleSentences >= 1, "oracleSentences", ">= 1", oracleSentences);
        require(summarySentences >= 1, "summarySentences", ">= 1", summarySentences);
        require(epochs >= 1, "epochs", ">= 1", epochs);
        require(batchSize >= 1, "batchSize", ">= 1", batchSize);
        require(learningRate > 0 && Float.isFinite(learningRate), "learningRate", "> 0", learningRate);
        require(clipNorm >= 0 && Float.isFinite(clipNorm), "clipNorm", ">= 0 (0 = no clipping)", clipNorm);
        require(earlyStopping != null, "earlyStopping", "ROUGE or LOSS", earlyStopping);
        require(patience >= 1, "patience", ">= 1", patience);
    }

    private static void require(boolean ok, String field, String expected, Object got) {
        if (!ok) {
            throw new IllegalArgumentException("extractive config: " + field + " must be " + expected + ", got " + got);
        }
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The size bound of one document. */
    public DocumentLimits documentLimits() {
        return new DocumentLimits(maxSentences, maxWordsPerSentence, overflow);
    }

    /** This config as a JSON tree. */
    public ObjectNode toJsonTree() {
        return JSON.valueToTree(this);
    }

    /** Writes the config as JSON, atomically. */
    public void save(Path file) throws IOException {
        AtomicFiles.writeString(file, JSON.writeValueAsString(this) + "\n");
    }

    /** Reads a config file; see {@link #fromJsonTree}. */
    public static ExtractiveConfig load(Path file) throws IOException {
        JsonNode tree;
        try {
            tree = JSON.readTree(TextFiles.readString(file));
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        try {
            return fromJsonTree(tree, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * A config from a JSON object: absent fields take the defaults, unknown fields fail.
     *
     * @param where names the source in messages
     */
    public static ExtractiveConfig fromJsonTree(JsonNode tree, String where) {
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException(where + ": the extractive config must be a JSON object");
        }
        ObjectNode full = builder().build().toJsonTree();
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!full.has(name)) {
                List<String> known = new ArrayList<>();
                full.fieldNames().forEachRemaining(known::add);
                throw new IllegalArgumentException(where + ": unknown field \"" + name + "\"; known fields are " + known);
            }
        }
        full.setAll((ObjectNode) tree);
        try {
            return JSON.treeToValue(full, ExtractiveConfig.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            throw new IllegalArgumentException(where + ": " + message, e);
        }
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.lowercase = lowercase;
        b.minCount = minCount;
        b.maxVocabulary = maxVocabulary;
        b.embeddingSize = embeddingSize;
        b.cell = cell;
        b.hiddenSize = hiddenSize;
        b.attentionSize = attentionSize;
        b.sentenceHiddenSize = sentenceHiddenSize;
        b.positionSize = positionSize;
        b.relativeSegments = relativeSegments;
        b.dropout = dropout;
        b.maxSentences = maxSentences;
        b.maxWordsPerSentence = maxWordsPerSentence;
        b.overflow = overflow;
        b.oracleSentences = oracleSentences;
        b.summarySentences = summarySentences;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.clipNorm = clipNorm;
        b.earlyStopping = earlyStopping;
        b.patience = patience;
        b.seed = seed;
        return b;
    }

    /**
     * Builder; every field has a default: lowercase, minCount 1, vocabulary 50,000, embeddings 100, GRU
     * 100 per direction at both levels, word attention 0 (= 200), positions 50 wide, 10 relative
     * segments, dropout 0.2, 50 sentences of at most 50 words, truncation, oracle 3 sentences,
     * summaries of 3 sentences, 5 epochs of 32 documents, Adam 1e-3, clip 2, early stopping on dev
     * ROUGE with patience 2, seed 42.
     */
    public static final class Builder {
        private boolean lowercase = true;
        private int minCount = 1;
        private int maxVocabulary = 50_000;
        private int embeddingSize = 100;
        private CellType cell = CellType.GRU;
        private int hiddenSize = 100;
        private int attentionSize;
        private int sentenceHiddenSize = 100;
        private int positionSize = 50;
        private int relativeSegments = 10;
        private float dropout = 0.2f;
        private int maxSentences = 50;
        private int maxWordsPerSentence = 50;
        private DocumentLimits.Overflow overflow = DocumentLimits.Overflow.TRUNCATE;
        private int oracleSentences = Oracle.DEFAULT_MAX_SENTENCES;
        private int summarySentences = 3;
        private int epochs = 5;
        private int batchSize = 32;
        private float learningRate = 1e-3f;
        private float clipNorm = 2f;
        private DevMetric earlyStopping = DevMetric.ROUGE;
        private int patience = 2;
        private long seed = 42;

        Builder() {}

        public Builder optLowercase(boolean lowercase) { this.lowercase = lowercase; return this; }
        public Builder optMinCount(int minCount) { this.minCount = minCount; return this; }
        public Builder optMaxVocabulary(int maxVocabulary) { this.maxVocabulary = maxVocabulary; return this; }
        public Builder optEmbeddingSize(int embeddingSize) { this.embeddingSize = embeddingSize; return this; }
        public Builder optCell(CellType cell) { this.cell = cell; return this; }
        public Builder optHiddenSize(int hiddenSize) { this.hiddenSize = hiddenSize; return this; }
        public Builder optAttentionSize(int attentionSize) { this.attentionSize = attentionSize; return this; }
        public Builder optSentenceHiddenSize(int size) { this.sentenceHiddenSize = size; return this; }
        public Builder optPositionSize(int size) { this.positionSize = size; return this; }
        public Builder optRelativeSegments(int segments) { this.relativeSegments = segments; return this; }
        public Builder optDropout(float dropout) { this.dropout = dropout; return this; }
        public Builder optMaxSentences(int maxSentences) { this.maxSentences = maxSentences; return this; }
        public Builder optMaxWordsPerSentence(int max) { this.maxWordsPerSentence = max; return this; }
        public Builder optOverflow(DocumentLimits.Overflow overflow) { this.overflow = overflow; return this; }
        public Builder optOracleSentences(int n) { this.oracleSentences = n; return this; }
        public Builder optSummarySentences(int n) { this.summarySentences = n; return this; }
        public Builder optEpochs(int epochs) { this.epochs = epochs; return this; }
        public Builder optBatchSize(int batchSize) { this.batchSize = batchSize; return this; }
        public Builder optLearningRate(float learningRate) { this.learningRate = learningRate; return this; }
        public Builder optClipNorm(float clipNorm) { this.clipNorm = clipNorm; return this; }
        public Builder optEarlyStopping(DevMetric metric) { this.earlyStopping = metric; return this; }
        public Builder optPatience(int patience) { this.patience = patience; return this; }
        public Builder optSeed(long seed) { this.seed = seed; return this; }

        /** Checks every field (naming it) and returns the config. */
        public ExtractiveConfig build() {
            return new ExtractiveConfig(lowercase, minCount, maxVocabulary, embeddingSize, cell, hiddenSize,
                    attentionSize, sentenceHiddenSize, positionSize, relativeSegments, dropout, maxSentences,
                    maxWordsPerSentence, overflow, oracleSentences, summarySentences, epochs, batchSize, learningRate,
                    clipNorm, earlyStopping, patience, seed);
        }
    }
}
