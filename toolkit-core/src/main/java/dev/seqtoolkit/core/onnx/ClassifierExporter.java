package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.seqtoolkit.core.onnx.OnnxOps.ints;
import static dev.seqtoolkit.core.onnx.OnnxOps.matMulTransposed;
import static dev.seqtoolkit.core.onnx.OnnxOps.scalar;
import static dev.seqtoolkit.core.onnx.OnnxOps.unsqueeze;

/**
 * Exports a recurrent text classifier as one ONNX graph (opset {@value OnnxGraphBuilder#OPSET}):
 * either one level (a sentence classifier) or two (Yang et al.'s hierarchical document
 * classifier). Batch, sentence and word axes are dynamic.
 *
 * <pre>
 * one level
 *   in : word_ids int64 (batch, words), word_lengths int64 (batch), each in [1, words]
 *   out: logits (batch, C), probabilities (batch, C), word_attention (batch, words) [attention pooling]
 *
 * two levels
 *   in : word_ids int64 (docs, sentences, words), word_lengths int64 (docs, sentences), in [1, words] for
 *        the first sentence_counts[d] slots of document d and 0 for its padding slots,
 *        sentence_counts int64 (docs), each in [1, sentences]
 *   out: logits (docs, C), probabilities (docs, C), word_attention (docs, sentences, words) [word attention
 *        pooling], sentence_attention (docs, sentences) [sentence attention pooling]
 *
 * ops: the word level's first layer as Gather of its input gates from a table and a Scan of the cell
 *      (optGateTable, the default), or Gather (embedding) and LSTM/GRU; further layers and the sentence
 *      level as LSTM/GRU (bidirectional, stacked, sequence_lens); all from {@link RecurrentExporter};
 *      Range/Less/Cast (masks from the lengths); the pooling; MatMul/Add (output layer); Softmax.
 *      Two levels: Flatten to (docs*sentences, words), the word level with lengths max(length, 1) (a padding
 *      slot runs one step whose result its all-zero mask discards), Reshape back to (docs, sentences, D), the
 *      sentence level with the sentence counts.
 * </pre>
 *
 * <p>Each level pools with a {@link PoolingExporter}: attention (additive, learned context vector,
 * masked softmax giving padded positions exactly zero weight), max, mean or last.
 *
 * <p>The graph's {@code metadata_props} hold {@value #CONFIG_KEY} (JSON: levels, cells, sizes, pooling
 * kinds, which {@link ClassifierSession} reads), {@value #FORMAT_KEY} and whatever {@link
 * Builder#putMetadata} added (task config, vocabulary hash, provenance).
 */
public final class ClassifierExporter {
    public static final String WORD_IDS = "word_ids";
    public static final String WORD_LENGTHS = "word_lengths";
    public static final String SENTENCE_COUNTS = "sentence_counts";
    public static final String LOGITS = "logits";
    public static final String PROBABILITIES = "probabilities";
    public static final String WORD_ATTENTION = "word_attention";
    public static final String SENTENCE_ATTENTION = "sentence_attention";
    /** The metadata key of the graph configuration {@link ClassifierSession} reads. */
    public static final String CONFIG_KEY = "seqtoolkit.classifier.graph";
    public static final String FORMAT_KEY = "seqtoolkit.classifier.format";
    /** The graph format this toolkit writes and reads. */
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final float[] embedding;
    private final int vocabularySize;
    private final int embeddingSize;
    private final RecurrentExporter wordEncoder;
    private final PoolingExporter wordPooling;
    private final RecurrentExporter sentenceEncoder;
    private final PoolingExporter sentencePooling;
    private final float[] outputWeight;
    private final float[] outputBias;
    private final int classes;
    private final Map<String, String> metadata;
    private final boolean gateTable;

    private ClassifierExporter(Builder b) {
        this.gateTable = b.gateTable;
        this.embedding = b.embedding;
        this.vocabularySize = b.vocabularySize;
        this.embeddingSize = b.embeddingSize;
        this.wordEncoder = b.wordEncoder;
        this.wordPooling = b.wordPooling;
        this.sentenceEncoder = b.sentenceEncoder;
        this.sentencePooling = b.sentencePooling;
        this.outputWeight = b.outputWeight;
        this.outputBias = b.outputBias;
        this.classes = b.outputBias.length;
        this.metadata = new LinkedHashMap<>(b.metadata);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** 1 for a sentence classifier, 2 for a hierarchical one. */
    public int levels() {
        return sentenceEncoder == null ? 1 : 2;
    }

    public int classes() {
        return classes;
    }

    /** The graph with its metadata. */
    public OnnxGraphBuilder toGraph() {
        boolean hierarchical = levels() == 2;
        OnnxGraphBuilder g = new OnnxGraphBuilder(hierarchical ? "hierarchical_classifier" : "sentence_classifier");
        String batch = hierarchical ? "docs" : "batch";
        if (hierarchical) {
            g.addInput(WORD_IDS, DataType.INT64, dim(batch), dim("sentences"), dim("words"));
            g.addInput(WORD_LENGTHS, DataType.INT64, dim(batch), dim("sentences"));
            g.addInput(SENTENCE_COUNTS, DataType.INT64, dim(batch));
        } else {
            g.addInput(WORD_IDS, DataType.INT64, dim(batch), dim("words"));
            g.addInput(WORD_LENGTHS, DataType.INT64, dim(batch));
        }
        g.addOutput(LOGITS, DataType.FLOAT, dim(batch), dim(classes));
        g.addOutput(PROBABILITIES, DataType.FLOAT, dim(batch), dim(classes));
        if (wordPooling.isAttention()) {
            if (hierarchical) {
                g.addOutput(WORD_ATTENTION, DataType.FLOAT, dim(batch), dim("sentences"), dim("words"));
            } else {
                g.addOutput(WORD_ATTENTION, DataType.FLOAT, dim(batch), dim("words"));
            }
        }
        if (hierarchical && sentencePooling.isAttention()) {
            g.addOutput(SENTENCE_ATTENTION, DataType.FLOAT, dim(batch), dim("sentences"));
        }

        String pooled;
        if (!hierarchical) {
            String[] words = wordLevel(g, WORD_IDS, WORD_LENGTHS, WORD_LENGTHS);
            pooled = words[0];
            if (words[1] != null) {
                g.node("Identity").inputs(words[1]).outputs(WORD_ATTENTION).add();
            }
        } else {
            // (docs, sentences, words) -> (docs*sentences, words)
            String flatIds = g.node("Flatten").inputs(WORD_IDS).attr("axis", 2L).outputs("slot_word_ids").addSingle();
            String flatLengths = g.node("Reshape").inputs(WORD_LENGTHS, ints(g, "flat_shape", -1))
                    .outputs("slot_word_lengths").addSingle(); // (docs*sentences)
            // a padding slot (length 0) runs one step; its all-zero mask gives it zero weights and a zero vector
            String runLengths = g.node("Max").inputs(flatLengths, ints(g, "one_step", 1)).outputs("slot_run_lengths")
                    .addSingle();
            String[] words = wordLevel(g, flatIds, flatLengths, runLengths);
            // (docs*sentences, Dw) -> (docs, sentences, Dw)
            String slotShape = g.node("Shape").inputs(WORD_LENGTHS).outputs("slot_shape").addSingle();
            String vectorShape = g.node("Concat").inputs(slotShape, ints(g, "word_width", wordWidth()))
                    .attr("axis", 0L).outputs("sentence_vectors_shape").addSingle();
            String sentences = g.node("Reshape").inputs(words[0], vectorShape).outputs("sentence_vectors").addSingle();
            if (words[1] != null) {
                String idsShape = g.node("Shape").inputs(WORD_IDS).outputs("word_ids_shape").addSingle();
                g.node("Reshape").inputs(words[1], idsShape).outputs(WORD_ATTENTION).add();
            }
            String[] docs = level(g, "sentence", sentenceEncoder, sentencePooling, sentences, null, WORD_LENGTHS,
                    SENTENCE_COUNTS, SENTENCE_COUNTS);
            pooled = docs[0];
            if (docs[1] != null) {
                g.node("Identity").inputs(docs[1]).outputs(SENTENCE_ATTENTION).add();
            }
        }
        int width = hierarchical ? sentenceWidth() : wordWidth();
        String projected = matMulTransposed(g, pooled, outputWeight, classes, width, "output_weight_t");
        g.node("Add").inputs(projected, g.addInitializer("output_bias", outputBias, classes)).outputs(LOGITS).add();
        g.node("Softmax").inputs(LOGITS).attr("axis", -1L).outputs(PROBABILITIES).add();

        g.putMetadata(CONFIG_KEY, configJson());
        g.putMetadata(FORMAT_KEY, Integer.toString(FORMAT));
        metadata.forEach(g::putMetadata);
        return g;
    }

    public OnnxMl.ModelProto toModel() {
        return toGraph().toModel();
    }

    /** Writes the model atomically. */
    public void save(Path path) throws IOException {
        toGraph().save(path);
    }

    private int wordWidth() {
        return wordEncoder.directions() * wordEncoder.hiddenSize();
    }

    private int sentenceWidth() {
        return sentenceEncoder.directions() * sentenceEncoder.hiddenSize();
    }

    /**
     * The word level over {@code ids (N, T)}: from the first layer's gate table when {@link
     * Builder#optGateTable} allows and the stack can (see {@link RecurrentExporter#emitTokens}), else
     * from the gathered embedding.
     */
    private String[] wordLevel(OnnxGraphBuilder g, String ids, String maskLengths, String runLengths) {
        if (gateTable && wordEncoder.usesGateTable(vocabularySize)) {
            return level(g, "word", wordEncoder, wordPooling, null, ids, ids, maskLengths, runLengths);
        }
        String table = g.addInitializer("embedding", embedding, vocabularySize, embeddingSize);
        String x = g.node("Gather").inputs(table, ids).attr("axis", 0L).outputs("embedded").addSingle();
        return level(g, "word", wordEncoder, wordPooling, x, null, ids, maskLengths, runLengths);
    }

    /**
     * One level: the recurrent stack over {@code x (N, T, in)}, or over the tokens {@code ids (N,
     * T)} whose embedding is its input, and its pooling.
     *
     * @param shapeSource a value of shape {@code (N, T)} (or more axes: its second axis is T)
     * @param maskLengths int64 {@code (N)}: the real positions of each row, 0 for none
     * @param runLengths int64 {@code (N)}: the lengths the recurrent operator runs, each at least 1
     * @return {pooled (N, D), weights (N, T) or null without attention}
     */
    private String[] level(OnnxGraphBuilder g, String p, RecurrentExporter stack, PoolingExporter pool, String x,
            String ids, String shapeSource, String maskLengths, String runLengths) {
        String lens32 = g.node("Cast").inputs(runLengths).attr("to", (long) DataType.INT32.getNumber())
                .outputs(g.uniqueName(p + "_lengths_int32")).addSingle();
        RecurrentExporter.Outputs rnn = ids != null
                ? stack.emitTokens(g, ids, embedding, vocabularySize, lens32, g.uniqueName(p + "_states"),
                        g.uniqueName(p + "_final_hidden"), g.uniqueName(p + "_final_cell"))
                : stack.emit(g, x, lens32, null, null, g.uniqueName(p + "_states"),
                        g.uniqueName(p + "_final_hidden"), g.uniqueName(p + "_final_cell"));
        String states = rnn.output(); // (N, T, D)

        // positions (1, T) and the mask (N, T): position < length
        String shape = g.node("Shape").inputs(shapeSource).outputs(g.uniqueName(p + "_shape")).addSingle();
        String time = g.node("Gather").inputs(shape, scalar(g, p + "_time_axis", 1)).attr("axis", 0L)
                .outputs(g.uniqueName(p + "_time")).addSingle();
        String range = g.node("Range").inputs(scalar(g, p + "_zero", 0), time, scalar(g, p + "_one", 1))
                .outputs(g.uniqueName(p + "_positions")).addSingle();
        String positions = unsqueeze(g, range, 0, p + "_positions_row"); // (1, T)
        String column = unsqueeze(g, maskLengths, 1, p + "_lengths_column"); // (N, 1)
        String real = g.node("Less").inputs(positions, column).outputs(g.uniqueName(p + "_real")).addSingle();
        String mask = g.node("Cast").inputs(real).attr("to", (long) DataType.FLOAT.getNumber())
                .outputs(g.uniqueName(p + "_mask")).addSingle(); // (N, T)

        return pool.emit(g, p, states, stack.directions() * stack.hiddenSize(), mask, positions, column);
    }

    private String configJson() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("format", FORMAT);
        config.put("levels", levels());
        config.put("vocabularySize", vocabularySize);
        config.put("embeddingSize", embeddingSize);
        config.put("classes", classes);
        config.put("wordCell", wordEncoder.cell().name());
        config.put("wordHiddenSize", wordEncoder.hiddenSize());
        config.put("wordLayers", wordEncoder.numLayers());
        config.put("wordDirections", wordEncoder.directions());
        config.put("wordPooling", wordPooling.name());
        if (sentenceEncoder != null) {
            config.put("sentenceCell", sentenceEncoder.cell().name());
            config.put("sentenceHiddenSize", sentenceEncoder.hiddenSize());
            config.put("sentenceLayers", sentenceEncoder.numLayers());
            config.put("sentenceDirections", sentenceEncoder.directions());
            config.put("sentencePooling", sentencePooling.name());
        }
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write the classifier graph configuration", e);
        }
    }

    private static Dimension dim(long size) {
        return OnnxGraphBuilder.dim(size);
    }

    private static Dimension dim(String symbol) {
        return OnnxGraphBuilder.dim(symbol);
    }

    /**
     * Collects the parts: the embedding, the word level and the output layer are required; the
     * sentence level makes a hierarchical classifier.
     */
    public static final class Builder {
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private float[] embedding;
        private int vocabularySize;
        private int embeddingSize;
        private RecurrentExporter wordEncoder;
        private PoolingExporter wordPooling;
        private RecurrentExporter sentenceEncoder;
        private PoolingExporter sentencePooling;
        private float[] outputWeight;
        private float[] outputBias;
        private boolean gateTable = true;

        private Builder() {}

        /**
         * Whether the word level's first layer looks its input gates up in a table computed at
         * export instead of multiplying the embedding at every word (see {@link
         * RecurrentExporter#emitTokens}); on by default. The file grows by {@code V dirs G H} floats.
         */
        public Builder optGateTable(boolean enabled) {
            this.gateTable = enabled;
            return this;
        }

        /**
         * The word embedding.
         *
         * @param table {@code (V, E)} row-major, copied
         */
        public Builder setEmbedding(float[] table, int vocabularySize, int embeddingSize) {
            if (table == null || vocabularySize <= 0 || embeddingSize <= 0
                    || table.length != (long) vocabularySize * embeddingSize) {
                throw new IllegalArgumentException("The embedding table has " + (table == null ? "no" : table.length)
                        + " values; shape (" + vocabularySize + ", " + embeddingSize + ") needs "
                        + (long) vocabularySize * embeddingSize + " and both sizes must be positive");
            }
            this.embedding = table.clone();
            this.vocabularySize = vocabularySize;
            this.embeddingSize = embeddingSize;
            return this;
        }

        /** The word-level recurrent stack (reading the embedding) and its pooling. */
        public Builder setWordLevel(RecurrentExporter encoder, PoolingExporter pooling) {
            this.wordEncoder = encoder;
            this.wordPooling = pooling;
            return this;
        }

        /** The sentence-level stack (reading the pooled word states) and its pooling: two levels. */
        public Builder optSentenceLevel(RecurrentExporter encoder, PoolingExporter pooling) {
            this.sentenceEncoder = encoder;
            this.sentencePooling = pooling;
            return this;
        }

        /**
         * The output layer in DJL's {@code Linear} layout.
         *
         * @param weight {@code (C, D)} row-major, copied
         * @param bias {@code (C)}, copied
         */
        public Builder setOutputLayer(float[] weight, float[] bias) {
            if (weight == null || bias == null) {
                throw new IllegalArgumentException("The output layer needs a weight and a bias");
            }
            this.outputWeight = weight.clone();
            this.outputBias = bias.clone();
            return this;
        }

        /** Adds a {@code metadata_props} entry, e.g. the task config, a vocabulary hash or provenance. */
        public Builder putMetadata(String key, String value) {
            if (CONFIG_KEY.equals(key) || FORMAT_KEY.equals(key)) {
                throw new IllegalArgumentException("The key " + key + " is written by the exporter");
            }
            metadata.put(key, value);
            return this;
        }

        /** Checks that the sizes chain: embedding, word level, (sentence level,) output layer. */
        public ClassifierExporter build() {
            if (embedding == null) {
                throw new IllegalStateException("setEmbedding is required");
            }
            if (wordEncoder == null || wordPooling == null) {
                throw new IllegalStateException("setWordLevel is required, with a recurrent stack and a pooling");
            }
            if (outputWeight == null) {
                throw new IllegalStateException("setOutputLayer is required");
            }
            if ((sentenceEncoder == null) != (sentencePooling == null)) {
                throw new IllegalStateException("optSentenceLevel needs both a recurrent stack and a pooling");
            }
            if (wordEncoder.inputSize() != embeddingSize) {
                throw new IllegalArgumentException("The word stack reads " + wordEncoder.inputSize()
                        + " features but the embedding has " + embeddingSize);
            }
            int width = wordEncoder.directions() * wordEncoder.hiddenSize();
            checkPool("word", wordPooling, width);
            if (sentenceEncoder != null) {
                if (sentenceEncoder.inputSize() != width) {
                    throw new IllegalArgumentException("The sentence stack reads " + sentenceEncoder.inputSize()
                            + " features but the word level gives " + width);
                }
                width = sentenceEncoder.directions() * sentenceEncoder.hiddenSize();
                checkPool("sentence", sentencePooling, width);
            }
            if (outputBias.length < 1 || outputWeight.length != (long) outputBias.length * width) {
                throw new IllegalArgumentException("The output layer has " + outputWeight.length + " weights and "
                        + outputBias.length + " biases; (C, " + width + ") and (C) are needed");
            }
            return new ClassifierExporter(this);
        }

        private static void checkPool(String level, PoolingExporter pool, int width) {
            if (pool.isAttention() && pool.inputWidth() != width) {
                throw new IllegalArgumentException("The " + level + " attention reads " + pool.inputWidth()
                        + " features but the " + level + " stack gives " + width);
            }
        }
    }
}
