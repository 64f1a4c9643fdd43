package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.attention.AttentionPooling;
import dev.seqtoolkit.core.attention.Pooling;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * ops: Gather (embedding); LSTM/GRU (bidirectional, stacked, sequence_lens) from {@link RecurrentExporter};
 *      Range/Less/Cast (masks from the lengths); the pooling; MatMul/Add (output layer); Softmax.
 *      Two levels: Flatten to (docs*sentences, words), the word level with lengths max(length, 1) (a padding
 *      slot runs one step whose result its all-zero mask discards), Reshape back to (docs, sentences, D), the
 *      sentence level with the sentence counts.
 * </pre>
 *
 * <p>Pooling, over states {@code (N, T, D)} with mask {@code m (N, T)} (1 real, 0 padding):
 * <ul>
 *   <li>ATTENTION, {@link AttentionPooling}: {@code s = tanh(states W + b) u}, the masked softmax
 *       {@code softmax(s + (m - 1) * 1e30) * m} (padded positions get exactly 0, a row without real
 *       positions all zeros), then the weighted sum of the states;
 *   <li>MAX, MEAN, LAST: as {@link Pooling}, each giving zeros for a row without real positions.
 * </ul>
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

    /** What is added to the scores of padded positions before the softmax (as in the DJL attention). */
    static final float MASK_FILL = 1.0e30f;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final float[] embedding;
    private final int vocabularySize;
    private final int embeddingSize;
    private final RecurrentExporter wordEncoder;
    private final Pool wordPooling;
    private final RecurrentExporter sentenceEncoder;
    private final Pool sentencePooling;
    private final float[] outputWeight;
    private final float[] outputBias;
    private final int classes;
    private final Map<String, String> metadata;

    private ClassifierExporter(Builder b) {
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

        String table = g.addInitializer("embedding", embedding, vocabularySize, embeddingSize);
        String pooled;
        if (!hierarchical) {
            String x = g.node("Gather").inputs(table, WORD_IDS).attr("axis", 0L).outputs("embedded").addSingle();
            String[] words = level(g, "word", wordEncoder, wordPooling, x, WORD_IDS, WORD_LENGTHS, WORD_LENGTHS);
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
            String x = g.node("Gather").inputs(table, flatIds).attr("axis", 0L).outputs("embedded").addSingle();
            String[] words = level(g, "word", wordEncoder, wordPooling, x, flatIds, flatLengths, runLengths);
            // (docs*sentences, Dw) -> (docs, sentences, Dw)
            String slotShape = g.node("Shape").inputs(WORD_LENGTHS).outputs("slot_shape").addSingle();
            String vectorShape = g.node("Concat").inputs(slotShape, ints(g, "word_width", wordWidth()))
                    .attr("axis", 0L).outputs("sentence_vectors_shape").addSingle();
            String sentences = g.node("Reshape").inputs(words[0], vectorShape).outputs("sentence_vectors").addSingle();
            if (words[1] != null) {
                String idsShape = g.node("Shape").inputs(WORD_IDS).outputs("word_ids_shape").addSingle();
                g.node("Reshape").inputs(words[1], idsShape).outputs(WORD_ATTENTION).add();
            }
            String[] docs = level(g, "sentence", sentenceEncoder, sentencePooling, sentences, WORD_LENGTHS,
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
     * One level: the recurrent stack over {@code x (N, T, in)} and its pooling.
     *
     * @param shapeSource a value of shape {@code (N, T)} (or more axes: its second axis is T)
     * @param maskLengths int64 {@code (N)}: the real positions of each row, 0 for none
     * @param runLengths int64 {@code (N)}: the lengths the recurrent operator runs, each at least 1
     * @return {pooled (N, D), weights (N, T) or null without attention}
     */
    private String[] level(OnnxGraphBuilder g, String p, RecurrentExporter stack, Pool pool, String x,
            String shapeSource, String maskLengths, String runLengths) {
        String lens32 = g.node("Cast").inputs(runLengths).attr("to", (long) DataType.INT32.getNumber())
                .outputs(g.uniqueName(p + "_lengths_int32")).addSingle();
        RecurrentExporter.Outputs rnn = stack.emit(g, x, lens32, null, null, g.uniqueName(p + "_states"),
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

        int width = stack.directions() * stack.hiddenSize();
        if (pool.isAttention()) {
            return attention(g, p, pool, states, mask, width);
        }
        String mask3 = unsqueeze(g, mask, 2, p + "_mask_3d"); // (N, T, 1)
        String pooled;
        switch (pool.kind()) {
            case MAX: {
                String kept = g.node("Mul").inputs(states, mask3).outputs(g.uniqueName(p + "_masked")).addSingle();
                String fill = fill(g, p, mask3);
                String filled = g.node("Add").inputs(kept, fill).outputs(g.uniqueName(p + "_filled")).addSingle();
                String max = g.node("ReduceMax").inputs(filled).attr("axes", new long[] {1}).attr("keepdims", 0L)
                        .outputs(g.uniqueName(p + "_max")).addSingle(); // (N, D)
                String any = g.node("ReduceMax").inputs(mask3).attr("axes", new long[] {1}).attr("keepdims", 0L)
                        .outputs(g.uniqueName(p + "_any")).addSingle(); // (N, 1): 0 for a row without real positions
                pooled = g.node("Mul").inputs(max, any).outputs(g.uniqueName(p + "_pooled")).addSingle();
                break;
            }
            case MEAN: {
                String kept = g.node("Mul").inputs(states, mask3).outputs(g.uniqueName(p + "_masked")).addSingle();
                String axis = ints(g, p + "_sum_axis", 1);
                String sum = g.node("ReduceSum").inputs(kept, axis).attr("keepdims", 0L)
                        .outputs(g.uniqueName(p + "_sum")).addSingle(); // (N, D)
                String count = g.node("ReduceSum").inputs(mask3, axis).attr("keepdims", 0L)
                        .outputs(g.uniqueName(p + "_count")).addSingle(); // (N, 1)
                String atLeastOne = g.node("Max").inputs(count, floats(g, p + "_one_float", 1f))
                        .outputs(g.uniqueName(p + "_count_at_least_one")).addSingle();
                pooled = g.node("Div").inputs(sum, atLeastOne).outputs(g.uniqueName(p + "_pooled")).addSingle();
                break;
            }
            case LAST: {
                String last = g.node("Sub").inputs(column, ints(g, p + "_one_long", 1))
                        .outputs(g.uniqueName(p + "_last")).addSingle(); // (N, 1), -1 for a row without real positions
                String at = g.node("Equal").inputs(positions, last).outputs(g.uniqueName(p + "_at_last")).addSingle();
                String pick = g.node("Cast").inputs(at).attr("to", (long) DataType.FLOAT.getNumber())
                        .outputs(g.uniqueName(p + "_pick")).addSingle(); // (N, T) one-hot
                pooled = weightedSum(g, p, pick, states);
                break;
            }
            default:
                throw new UnsupportedOperationException("No ONNX export for pooling " + pool.kind());
        }
        return new String[] {pooled, null};
    }

    /** Additive attention pooling with the learned context vector; returns {pooled, weights}. */
    private static String[] attention(OnnxGraphBuilder g, String p, Pool pool, String states, String mask, int width) {
        int hidden = pool.attentionSize();
        String w = g.addInitializer(g.uniqueName(p + "_attention_weight"), pool.weight, width, hidden); // (D, A)
        String b = g.addInitializer(g.uniqueName(p + "_attention_bias"), pool.bias, hidden);
        String u = g.addInitializer(g.uniqueName(p + "_attention_context"), pool.context, hidden, 1);
        String projected = g.node("MatMul").inputs(states, w).outputs(g.uniqueName(p + "_attention_projected"))
                .addSingle(); // (N, T, A)
        String biased = g.node("Add").inputs(projected, b).outputs(g.uniqueName(p + "_attention_biased")).addSingle();
        String energy = g.node("Tanh").inputs(biased).outputs(g.uniqueName(p + "_attention_energy")).addSingle();
        String s3 = g.node("MatMul").inputs(energy, u).outputs(g.uniqueName(p + "_scores_3d")).addSingle(); // (N, T, 1)
        String scores = squeeze(g, s3, 2, p + "_scores"); // (N, T)
        String filled = g.node("Add").inputs(scores, fill(g, p, mask)).outputs(g.uniqueName(p + "_scores_masked"))
                .addSingle();
        String soft = g.node("Softmax").inputs(filled).attr("axis", -1L).outputs(g.uniqueName(p + "_softmax"))
                .addSingle();
        String weights = g.node("Mul").inputs(soft, mask).outputs(g.uniqueName(p + "_weights")).addSingle(); // exact 0 at padding
        return new String[] {weightedSum(g, p, weights, states), weights};
    }

    /** {@code (mask - 1) * 1e30}: 0 at real positions, -1e30 at padding. */
    private static String fill(OnnxGraphBuilder g, String p, String mask) {
        String shifted = g.node("Sub").inputs(mask, floats(g, p + "_one_float", 1f))
                .outputs(g.uniqueName(p + "_mask_minus_one")).addSingle();
        return g.node("Mul").inputs(shifted, floats(g, p + "_mask_fill", MASK_FILL))
                .outputs(g.uniqueName(p + "_fill")).addSingle();
    }

    /** {@code weights (N, T)} times {@code states (N, T, D)} summed over T: {@code (N, D)}. */
    private static String weightedSum(OnnxGraphBuilder g, String p, String weights, String states) {
        String w3 = unsqueeze(g, weights, 1, p + "_weights_3d"); // (N, 1, T)
        String c3 = g.node("MatMul").inputs(w3, states).outputs(g.uniqueName(p + "_pooled_3d")).addSingle(); // (N, 1, D)
        return squeeze(g, c3, 1, p + "_pooled");
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

    // -------------------------------------------------------------------------------- helpers

    /** {@code x (..., cols) W^T} for a row-major {@code W (rows, cols)} given in DJL's Linear layout. */
    private static String matMulTransposed(OnnxGraphBuilder g, String x, float[] w, int rows, int cols, String name) {
        float[] t = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = w[r * cols + c];
            }
        }
        String wt = g.addInitializer(g.uniqueName(name), t, cols, rows);
        return g.node("MatMul").inputs(x, wt).outputs(g.uniqueName(name + "_product")).addSingle();
    }

    private static String unsqueeze(OnnxGraphBuilder g, String x, long axis, String name) {
        return g.node("Unsqueeze").inputs(x, ints(g, name + "_axes", axis)).outputs(g.uniqueName(name)).addSingle();
    }

    private static String squeeze(OnnxGraphBuilder g, String x, long axis, String name) {
        return g.node("Squeeze").inputs(x, ints(g, name + "_axes", axis)).outputs(g.uniqueName(name)).addSingle();
    }

    /** A 1-D int64 initializer. */
    private static String ints(OnnxGraphBuilder g, String name, long... values) {
        return g.addInitializer(g.uniqueName(name), values, values.length);
    }

    /** A scalar int64 initializer. */
    private static String scalar(OnnxGraphBuilder g, String name, long value) {
        return g.addInitializer(g.uniqueName(name), new long[] {value});
    }

    /** A one-element float initializer (broadcasts). */
    private static String floats(OnnxGraphBuilder g, String name, float value) {
        return g.addInitializer(g.uniqueName(name), new float[] {value}, 1);
    }

    private static Dimension dim(long size) {
        return OnnxGraphBuilder.dim(size);
    }

    private static Dimension dim(String symbol) {
        return OnnxGraphBuilder.dim(symbol);
    }

    /**
     * How one level turns its states into one vector: {@link #attention additive attention} with a
     * learned context vector (the weights become a graph output) or a parameter-free {@link Pooling}.
     * Immutable.
     */
    public static final class Pool {
        private final Pooling kind;
        private final float[] weight;
        private final float[] bias;
        private final float[] context;
        private final int attentionSize;

        private Pool(Pooling kind, float[] weight, float[] bias, float[] context, int attentionSize) {
            this.kind = kind;
            this.weight = weight;
            this.bias = bias;
            this.context = context;
            this.attentionSize = attentionSize;
        }

        /**
         * Attention pooling in {@link AttentionPooling}'s layout; arrays are copied.
         *
         * @param weight {@code (D, A)} row-major
         * @param bias {@code (A)}
         * @param context {@code (A)} (the {@code (A, 1)} context vector)
         */
        public static Pool attention(float[] weight, float[] bias, float[] context) {
            if (weight == null || bias == null || context == null) {
                throw new IllegalArgumentException("Attention pooling needs a weight, a bias and a context vector");
            }
            if (bias.length == 0 || context.length != bias.length || weight.length % bias.length != 0) {
                throw new IllegalArgumentException("Attention pooling sizes do not fit: weight " + weight.length
                        + " values, bias " + bias.length + ", context " + context.length
                        + "; expected weight (D, A), bias (A), context (A)");
            }
            return new Pool(null, weight.clone(), bias.clone(), context.clone(), bias.length);
        }

        /** The current parameters of an initialised {@link AttentionPooling}. */
        public static Pool of(AttentionPooling block) {
            return attention(block.weight().getArray().toFloatArray(), block.bias().getArray().toFloatArray(),
                    block.context().getArray().toFloatArray());
        }

        /** A parameter-free pooling. */
        public static Pool of(Pooling kind) {
            if (kind == null) {
                throw new IllegalArgumentException("The pooling kind must not be null");
            }
            return new Pool(kind, null, null, null, 0);
        }

        public boolean isAttention() {
            return kind == null;
        }

        /** The kind: MAX, MEAN, LAST; null for attention. */
        public Pooling kind() {
            return kind;
        }

        /** {@code ATTENTION}, {@code MAX}, {@code MEAN} or {@code LAST}. */
        public String name() {
            return kind == null ? "ATTENTION" : kind.name();
        }

        /** The attention hidden size A; 0 for a parameter-free pooling. */
        public int attentionSize() {
            return attentionSize;
        }

        /** The input width D attention expects; -1 for a parameter-free pooling (any width). */
        int inputWidth() {
            return kind == null ? weight.length / attentionSize : -1;
        }
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
        private Pool wordPooling;
        private RecurrentExporter sentenceEncoder;
        private Pool sentencePooling;
        private float[] outputWeight;
        private float[] outputBias;

        private Builder() {}

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
        public Builder setWordLevel(RecurrentExporter encoder, Pool pooling) {
            this.wordEncoder = encoder;
            this.wordPooling = pooling;
            return this;
        }

        /** The sentence-level stack (reading the pooled word states) and its pooling: two levels. */
        public Builder optSentenceLevel(RecurrentExporter encoder, Pool pooling) {
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

        private static void checkPool(String level, Pool pool, int width) {
            if (pool.isAttention() && pool.inputWidth() != width) {
                throw new IllegalArgumentException("The " + level + " attention reads " + pool.inputWidth()
                        + " features but the " + level + " stack gives " + width);
            }
        }
    }
}
