package dev.seqtoolkit.sentiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.hierarchy.DocumentLimits;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.VectorFormat;
import dev.seqtoolkit.core.text.TextFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Everything that defines a sentiment classifier: labels, text preparation, network and training,
 * as one flat JSON object. Every field except {@code labels} may be left out and takes the default
 * shown by {@link #builder(Architecture)}; unknown fields are rejected and every value is checked,
 * naming the field.
 *
 * @param architecture SENTENCE (embedding, BiLSTM/BiGRU, pooling, linear) or HIERARCHICAL (Yang et
 *     al.'s word and sentence levels with attention)
 * @param labels the declared label set, at least two distinct labels; a training or test line with
 *     another label fails naming the line
 * @param tokenizer WHITESPACE (text already tokenized, as SST-2) or CORENLP; HIERARCHICAL needs
 *     CORENLP, whose splitter gives the sentences
 * @param lowercase lowercase tokens (ROOT locale)
 * @param stripHtml replace HTML line breaks {@code <br />} by line breaks (IMDB)
 * @param minCount tokens seen fewer times in training become {@code <unk>}
 * @param maxVocabulary vocabulary cap including the 4 reserved tokens
 * @param embeddingSize word vector width
 * @param embeddingsFile optional GloVe or word2vec text file loaded into the embedding before training
 * @param embeddingsFormat the format of {@code embeddingsFile}
 * @param cell LSTM or GRU
 * @param hiddenSize (word-level) state size per direction; the encoder is bidirectional
 * @param pooling ATTENTION, MAX, MEAN or LAST (sentence model); HIERARCHICAL needs ATTENTION
 * @param attentionSize hidden size of the (word) attention, 0 = twice {@code hiddenSize}
 * @param sentenceHiddenSize sentence-level state size per direction (HIERARCHICAL)
 * @param sentenceAttentionSize sentence attention size, 0 = twice {@code sentenceHiddenSize}
 * @param dropout on embeddings and on the pooled vector, in [0, 1)
 * @param maxWords SENTENCE: words kept per text (more are cut and counted, or refused), in [1, 1000]
 * @param maxSentences HIERARCHICAL: sentences kept per document, see {@link DocumentLimits}
 * @param maxWordsPerSentence HIERARCHICAL: words kept per sentence
 * @param overflow TRUNCATE (counted) or REFUSE texts over the limits
 * @param epochs most training epochs
 * @param batchSize examples per batch
 * @param learningRate Adam's learning rate
 * @param clipNorm global gradient-norm clip, 0 = none
 * @param patience early stopping: epochs without a better dev accuracy before stopping
 * @param seed data order, initialisation and dropout
 */
public record SentimentConfig(
        Architecture architecture,
        List<String> labels,
        TokenizerKind tokenizer,
        boolean lowercase,
        boolean stripHtml,
        int minCount,
        int maxVocabulary,
        int embeddingSize,
        String embeddingsFile,
        VectorFormat embeddingsFormat,
        CellType cell,
        int hiddenSize,
        PoolingKind pooling,
        int attentionSize,
        int sentenceHiddenSize,
        int sentenceAttentionSize,
        float dropout,
        int maxWords,
        int maxSentences,
        int maxWordsPerSentence,
        DocumentLimits.Overflow overflow,
        int epochs,
        int batchSize,
        float learningRate,
        float clipNorm,
        int patience,
        long seed) {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Largest {@code maxWords}. */
    public static final int MAX_WORDS_LIMIT = DocumentLimits.MAX_LIMIT;

    /** The two network shapes. */
    public enum Architecture { SENTENCE, HIERARCHICAL }

    /** How text becomes words. */
    public enum TokenizerKind { WHITESPACE, CORENLP }

    /** How the word states become one vector (sentence model). */
    public enum PoolingKind { ATTENTION, MAX, MEAN, LAST }

    /** Checks every field, naming it. */
    public SentimentConfig {
        require(architecture != null, "architecture", "SENTENCE or HIERARCHICAL", architecture);
        require(labels != null && labels.size() >= 2, "labels", "at least two labels", labels);
        labels = List.copyOf(labels);
        Set<String> distinct = new HashSet<>();
        for (String l : labels) {
            require(l != null && !l.isBlank() && l.strip().equals(l) && !l.contains("\t"), "labels",
                    "non-blank labels without surrounding spaces or tabs", labels);
            require(distinct.add(l), "labels", "distinct labels", labels);
        }
        require(tokenizer != null, "tokenizer", "WHITESPACE or CORENLP", tokenizer);
        require(architecture != Architecture.HIERARCHICAL || tokenizer == TokenizerKind.CORENLP, "tokenizer",
                "CORENLP for the HIERARCHICAL architecture (its sentence splitter gives the sentences)", tokenizer);
        require(minCount >= 1, "minCount", ">= 1", minCount);
        require(maxVocabulary >= 5, "maxVocabulary", ">= 5", maxVocabulary);
        require(embeddingSize >= 1, "embeddingSize", ">= 1", embeddingSize);
        require(embeddingsFile == null || !embeddingsFile.isBlank(), "embeddingsFile", "a path or absent", embeddingsFile);
        require(embeddingsFormat != null, "embeddingsFormat", "GLOVE or WORD2VEC_TEXT", embeddingsFormat);
        require(cell != null, "cell", "LSTM or GRU", cell);
        require(hiddenSize >= 1, "hiddenSize", ">= 1", hiddenSize);
        require(pooling != null, "pooling", "ATTENTION, MAX, MEAN or LAST", pooling);
        require(architecture != Architecture.HIERARCHICAL || pooling == PoolingKind.ATTENTION, "pooling",
                "ATTENTION for the HIERARCHICAL architecture", pooling);
        require(attentionSize >= 0, "attentionSize", ">= 0 (0 = twice hiddenSize)", attentionSize);
        require(sentenceHiddenSize >= 1, "sentenceHiddenSize", ">= 1", sentenceHiddenSize);
        require(sentenceAttentionSize >= 0, "sentenceAttentionSize", ">= 0", sentenceAttentionSize);
        require(dropout >= 0f && dropout < 1f, "dropout", "in [0, 1)", dropout);
        require(maxWords >= 1 && maxWords <= MAX_WORDS_LIMIT, "maxWords", "in [1, " + MAX_WORDS_LIMIT + "]", maxWords);
        require(maxSentences >= 1 && maxSentences <= DocumentLimits.MAX_LIMIT, "maxSentences",
                "in [1, " + DocumentLimits.MAX_LIMIT + "]", maxSentences);
        require(maxWordsPerSentence >= 1 && maxWordsPerSentence <= DocumentLimits.MAX_LIMIT, "maxWordsPerSentence",
                "in [1, " + DocumentLimits.MAX_LIMIT + "]", maxWordsPerSentence);
        require(overflow != null, "overflow", "TRUNCATE or REFUSE", overflow);
        require(epochs >= 1, "epochs", ">= 1", epochs);
        require(batchSize >= 1, "batchSize", ">= 1", batchSize);
        require(learningRate > 0 && Float.isFinite(learningRate), "learningRate", "> 0", learningRate);
        require(clipNorm >= 0 && Float.isFinite(clipNorm), "clipNorm", ">= 0 (0 = no clipping)", clipNorm);
        require(patience >= 1, "patience", ">= 1", patience);
    }

    private static void require(boolean ok, String field, String expected, Object got) {
        if (!ok) {
            throw new IllegalArgumentException("sentiment config: " + field + " must be " + expected + ", got " + got);
        }
    }

    /** A builder with every default for the given architecture; labels must still be set. */
    public static Builder builder(Architecture architecture) {
        return new Builder(architecture);
    }

    /** The limits of the hierarchical model. */
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
    public static SentimentConfig load(Path file) throws IOException {
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
     * A config from a JSON object: {@code labels} is required, absent fields take the architecture's
     * defaults ({@code architecture} itself defaults to SENTENCE), unknown fields fail.
     *
     * @param where names the source in messages
     */
    public static SentimentConfig fromJsonTree(JsonNode tree, String where) {
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException(where + ": the sentiment config must be a JSON object");
        }
        if (!tree.has("labels")) {
            throw new IllegalArgumentException(where + ": \"labels\" is required (the declared label set)");
        }
        Architecture architecture = Architecture.SENTENCE;
        if (tree.has("architecture")) {
            try {
                architecture = Architecture.valueOf(tree.get("architecture").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": architecture must be SENTENCE or HIERARCHICAL, got "
                        + tree.get("architecture"), e);
            }
        }
        ObjectNode full = builder(architecture).setLabels(List.of("a", "b")).build().toJsonTree();
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!full.has(name)) {
                throw new IllegalArgumentException(where + ": unknown field \"" + name + "\"; known fields are "
                        + iterable(full.fieldNames()));
            }
        }
        full.setAll((ObjectNode) tree);
        try {
            return JSON.treeToValue(full, SentimentConfig.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            throw new IllegalArgumentException(where + ": " + message, e);
        }
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        Builder b = new Builder(architecture);
        b.labels = labels;
        b.tokenizer = tokenizer;
        b.lowercase = lowercase;
        b.stripHtml = stripHtml;
        b.minCount = minCount;
        b.maxVocabulary = maxVocabulary;
        b.embeddingSize = embeddingSize;
        b.embeddingsFile = embeddingsFile;
        b.embeddingsFormat = embeddingsFormat;
        b.cell = cell;
        b.hiddenSize = hiddenSize;
        b.pooling = pooling;
        b.attentionSize = attentionSize;
        b.sentenceHiddenSize = sentenceHiddenSize;
        b.sentenceAttentionSize = sentenceAttentionSize;
        b.dropout = dropout;
        b.maxWords = maxWords;
        b.maxSentences = maxSentences;
        b.maxWordsPerSentence = maxWordsPerSentence;
        b.overflow = overflow;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.clipNorm = clipNorm;
        b.patience = patience;
        b.seed = seed;
        return b;
    }

    /**
     * Builder. {@code setLabels} is required. Defaults: SENTENCE uses the WHITESPACE tokenizer, 200
     * words; HIERARCHICAL uses CORENLP with 64 sentences of 100 words; both lowercase, strip HTML
     * breaks, minCount 1, vocabulary 50,000, embeddings 100, LSTM 100 per direction, attention pooling,
     * sentence level 50, dropout 0.3, truncation, 10 epochs of 32, Adam 1e-3, clip 5, patience 3,
     * seed 42.
     */
    public static final class Builder {
        private final Architecture architecture;
        private List<String> labels;
        private TokenizerKind tokenizer;
        private boolean lowercase = true;
        private boolean stripHtml = true;
        private int minCount = 1;
        private int maxVocabulary = 50_000;
        private int embeddingSize = 100;
        private String embeddingsFile;
        private VectorFormat embeddingsFormat = VectorFormat.GLOVE;
        private CellType cell = CellType.LSTM;
        private int hiddenSize = 100;
        private PoolingKind pooling = PoolingKind.ATTENTION;
        private int attentionSize;
        private int sentenceHiddenSize = 50;
        private int sentenceAttentionSize;
        private float dropout = 0.3f;
        private int maxWords = 200;
        private int maxSentences = 64;
        private int maxWordsPerSentence = 100;
        private DocumentLimits.Overflow overflow = DocumentLimits.Overflow.TRUNCATE;
        private int epochs = 10;
        private int batchSize = 32;
        private float learningRate = 1e-3f;
        private float clipNorm = 5f;
        private int patience = 3;
        private long seed = 42;

        Builder(Architecture architecture) {
            this.architecture = architecture;
            this.tokenizer = architecture == Architecture.HIERARCHICAL ? TokenizerKind.CORENLP : TokenizerKind.WHITESPACE;
        }

        /** <b>Required</b>: the declared label set (at least two, distinct). */
        public Builder setLabels(List<String> labels) {
            this.labels = labels;
            return this;
        }

        public Builder optTokenizer(TokenizerKind tokenizer) { this.tokenizer = tokenizer; return this; }
        public Builder optLowercase(boolean lowercase) { this.lowercase = lowercase; return this; }
        public Builder optStripHtml(boolean stripHtml) { this.stripHtml = stripHtml; return this; }
        public Builder optMinCount(int minCount) { this.minCount = minCount; return this; }
        public Builder optMaxVocabulary(int maxVocabulary) { this.maxVocabulary = maxVocabulary; return this; }
        public Builder optEmbeddingSize(int embeddingSize) { this.embeddingSize = embeddingSize; return this; }
        public Builder optEmbeddingsFile(String file, VectorFormat format) {
            this.embeddingsFile = file;
            this.embeddingsFormat = format;
            return this;
        }
        public Builder optCell(CellType cell) { this.cell = cell; return this; }
        public Builder optHiddenSize(int hiddenSize) { this.hiddenSize = hiddenSize; return this; }
        public Builder optPooling(PoolingKind pooling) { this.pooling = pooling; return this; }
        public Builder optAttentionSize(int attentionSize) { this.attentionSize = attentionSize; return this; }
        public Builder optSentenceHiddenSize(int size) { this.sentenceHiddenSize = size; return this; }
        public Builder optSentenceAttentionSize(int size) { this.sentenceAttentionSize = size; return this; }
        public Builder optDropout(float dropout) { this.dropout = dropout; return this; }
        public Builder optMaxWords(int maxWords) { this.maxWords = maxWords; return this; }
        public Builder optMaxSentences(int maxSentences) { this.maxSentences = maxSentences; return this; }
        public Builder optMaxWordsPerSentence(int max) { this.maxWordsPerSentence = max; return this; }
        public Builder optOverflow(DocumentLimits.Overflow overflow) { this.overflow = overflow; return this; }
        public Builder optEpochs(int epochs) { this.epochs = epochs; return this; }
        public Builder optBatchSize(int batchSize) { this.batchSize = batchSize; return this; }
        public Builder optLearningRate(float learningRate) { this.learningRate = learningRate; return this; }
        public Builder optClipNorm(float clipNorm) { this.clipNorm = clipNorm; return this; }
        public Builder optPatience(int patience) { this.patience = patience; return this; }
        public Builder optSeed(long seed) { this.seed = seed; return this; }

        /** Checks every field (naming it) and returns the config. */
        public SentimentConfig build() {
            return new SentimentConfig(architecture, labels, tokenizer, lowercase, stripHtml, minCount, maxVocabulary,
                    embeddingSize, embeddingsFile, embeddingsFormat, cell, hiddenSize, pooling, attentionSize,
                    sentenceHiddenSize, sentenceAttentionSize, dropout, maxWords, maxSentences, maxWordsPerSentence,
                    overflow, epochs, batchSize, learningRate, clipNorm, patience, seed);
        }
    }
}
