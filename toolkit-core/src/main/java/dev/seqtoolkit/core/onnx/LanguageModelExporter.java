package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a recurrent language model's step graph: token ids in, next-token logits and the new
 * recurrent state out, so generation can carry the state from call to call.
 *
 * <pre>
 * inputs : tokens int64 (batch, time), h0 (layers, batch, H), c0 (layers, batch, H) [LSTM only]
 * x      = one-hot(tokens, V) (batch, time, V)   or   Gather(embedding (V, E), tokens) (batch, time, E)
 * y      = LSTM/GRU stack (x, h0, c0)            (batch, time, H)
 * outputs: logits = y W^T + b (batch, time, V), hn (layers, batch, H), cn (layers, batch, H) [LSTM only]
 * </pre>
 *
 * <p>The output layer is given in DJL's {@code Linear} layout, weight {@code (V, H)} and bias
 * {@code (V)}. One-hot ids outside {@code [0, V)} give an all-zero input row in ONNX (OneHot's
 * rule), so callers should check ids; {@link LanguageModelSession} does. The model's
 * {@code metadata_props} hold {@value #CONFIG_KEY} (JSON: cell, sizes, input mode, tensor names)
 * and whatever {@link Builder#putMetadata} added (vocabulary, provenance).
 */
public final class LanguageModelExporter {
    public static final String TOKENS = "tokens";
    public static final String INITIAL_HIDDEN = "h0";
    public static final String INITIAL_CELL = "c0";
    public static final String LOGITS = "logits";
    public static final String FINAL_HIDDEN = "hn";
    public static final String FINAL_CELL = "cn";
    /** The metadata key of the JSON configuration {@link LanguageModelSession} reads. */
    public static final String CONFIG_KEY = "seqtoolkit.lm.config";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecurrentExporter stack;
    private final int vocabularySize;
    private final float[] embedding;
    private final int embeddingSize;
    private final float[] outputWeight;
    private final float[] outputBias;
    private final Map<String, String> metadata;

    private LanguageModelExporter(Builder b, RecurrentExporter stack) {
        this.stack = stack;
        this.vocabularySize = b.vocabularySize;
        this.embedding = b.embedding;
        this.embeddingSize = b.embeddingSize;
        this.outputWeight = b.outputWeight;
        this.outputBias = b.outputBias;
        this.metadata = new LinkedHashMap<>(b.metadata);
    }

    public static Builder builder(Cell cell) {
        return new Builder(cell);
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    /** The step graph with its metadata. */
    public OnnxGraphBuilder toGraph() {
        int hidden = stack.hiddenSize();
        int layers = stack.numLayers();
        boolean lstm = stack.cell() == Cell.LSTM;
        OnnxGraphBuilder g = new OnnxGraphBuilder("language_model_step");
        g.addInput(TOKENS, DataType.INT64, OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim("time"));
        g.addInput(INITIAL_HIDDEN, DataType.FLOAT, OnnxGraphBuilder.dim(layers), OnnxGraphBuilder.dim("batch"),
                OnnxGraphBuilder.dim(hidden));
        if (lstm) {
            g.addInput(INITIAL_CELL, DataType.FLOAT, OnnxGraphBuilder.dim(layers), OnnxGraphBuilder.dim("batch"),
                    OnnxGraphBuilder.dim(hidden));
        }
        g.addOutput(LOGITS, DataType.FLOAT, OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim("time"),
                OnnxGraphBuilder.dim(vocabularySize));
        g.addOutput(FINAL_HIDDEN, DataType.FLOAT, OnnxGraphBuilder.dim(layers), OnnxGraphBuilder.dim("batch"),
                OnnxGraphBuilder.dim(hidden));
        if (lstm) {
            g.addOutput(FINAL_CELL, DataType.FLOAT, OnnxGraphBuilder.dim(layers), OnnxGraphBuilder.dim("batch"),
                    OnnxGraphBuilder.dim(hidden));
        }

        String x;
        if (embedding == null) {
            String depth = g.addInitializer("one_hot_depth", new long[] {vocabularySize}, 1);
            String values = g.addInitializer("one_hot_values", new float[] {0f, 1f}, 2);
            // (batch, time) -> (batch, time, V)
            x = g.node("OneHot").inputs(TOKENS, depth, values).attr("axis", -1L).outputs("one_hot").addSingle();
        } else {
            String table = g.addInitializer("embedding", embedding, vocabularySize, embeddingSize);
            // (batch, time) -> (batch, time, E)
            x = g.node("Gather").inputs(table, TOKENS).attr("axis", 0L).outputs("embedded").addSingle();
        }
        RecurrentExporter.Outputs rnn = stack.emit(g, x, null, INITIAL_HIDDEN, lstm ? INITIAL_CELL : null,
                "rnn_output", FINAL_HIDDEN, FINAL_CELL);

        float[] transposed = new float[hidden * vocabularySize]; // (H, V) for y (batch, time, H) x W^T
        for (int v = 0; v < vocabularySize; v++) {
            for (int j = 0; j < hidden; j++) {
                transposed[j * vocabularySize + v] = outputWeight[v * hidden + j];
            }
        }
        String w = g.addInitializer("output_weight_t", transposed, hidden, vocabularySize);
        String b = g.addInitializer("output_bias", outputBias, vocabularySize);
        String projected = g.node("MatMul").inputs(rnn.output(), w).outputs("output_projected").addSingle();
        g.node("Add").inputs(projected, b).outputs(LOGITS).add();

        g.putMetadata(CONFIG_KEY, configJson());
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

    private String configJson() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("format", 1);
        config.put("cell", stack.cell().name());
        config.put("vocabularySize", vocabularySize);
        config.put("input", embedding == null ? "one-hot" : "embedding");
        config.put("embeddingSize", embedding == null ? vocabularySize : embeddingSize);
        config.put("hiddenSize", stack.hiddenSize());
        config.put("numLayers", stack.numLayers());
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write the model configuration", e);
        }
    }

    /**
     * Collects the parts: vocabulary size (required), input as one-hot (default) or an embedding
     * table, the recurrent layers and the output layer (required).
     */
    public static final class Builder {
        private final Cell cell;
        private final List<FusedRecurrentWeights> layers = new ArrayList<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private CellVariant variant = CellVariant.standard();
        private int vocabularySize;
        private float[] embedding;
        private int embeddingSize;
        private float[] outputWeight;
        private float[] outputBias;

        private Builder(Cell cell) {
            if (cell == null) {
                throw new IllegalArgumentException("The cell kind is required");
            }
            this.cell = cell;
        }

        public Builder setVocabularySize(int vocabularySize) {
            if (vocabularySize <= 0) {
                throw new IllegalArgumentException("Vocabulary size must be positive, got " + vocabularySize);
            }
            this.vocabularySize = vocabularySize;
            return this;
        }

        /**
         * Embeds tokens with a table instead of one-hot vectors.
         *
         * @param table {@code (V, embeddingSize)} row-major, copied
         */
        public Builder optEmbedding(float[] table, int embeddingSize) {
            if (table == null || embeddingSize <= 0) {
                throw new IllegalArgumentException("An embedding needs a table and a positive size, got size "
                        + embeddingSize);
            }
            this.embedding = table.clone();
            this.embeddingSize = embeddingSize;
            return this;
        }

        /** Adds a recurrent layer; the first takes the embedding size (V for one-hot), the rest H. */
        public Builder addLayer(FusedRecurrentWeights weights) {
            layers.add(weights);
            return this;
        }

        public Builder optVariant(CellVariant variant) {
            this.variant = variant;
            return this;
        }

        /**
         * The output projection in DJL's {@code Linear} layout.
         *
         * @param weight {@code (V, H)} row-major, copied
         * @param bias {@code (V)}, copied
         */
        public Builder setOutputLayer(float[] weight, float[] bias) {
            if (weight == null || bias == null) {
                throw new IllegalArgumentException("The output layer needs a weight and a bias");
            }
            this.outputWeight = weight.clone();
            this.outputBias = bias.clone();
            return this;
        }

        /** Adds a {@code metadata_props} entry, e.g. vocabulary or provenance JSON. */
        public Builder putMetadata(String key, String value) {
            if (CONFIG_KEY.equals(key)) {
                throw new IllegalArgumentException("The key " + CONFIG_KEY + " is written by the exporter");
            }
            metadata.put(key, value);
            return this;
        }

        public LanguageModelExporter build() {
            if (vocabularySize <= 0) {
                throw new IllegalStateException("setVocabularySize is required");
            }
            if (outputWeight == null) {
                throw new IllegalStateException("setOutputLayer is required");
            }
            if (layers.isEmpty()) {
                throw new IllegalStateException("A language model needs at least one recurrent layer");
            }
            int inputSize = embedding == null ? vocabularySize : embeddingSize;
            if (embedding != null && embedding.length != (long) vocabularySize * embeddingSize) {
                throw new IllegalArgumentException("The embedding table has " + embedding.length + " values, shape ("
                        + vocabularySize + ", " + embeddingSize + ") needs " + (long) vocabularySize * embeddingSize);
            }
            if (layers.get(0).inputSize() != inputSize) {
                throw new IllegalArgumentException("Layer 0 input size " + layers.get(0).inputSize() + " differs from the "
                        + (embedding == null ? "one-hot size V = " : "embedding size ") + inputSize);
            }
            int hidden = layers.get(0).hiddenSize();
            if (outputWeight.length != (long) vocabularySize * hidden) {
                throw new IllegalArgumentException("The output weight has " + outputWeight.length + " values, shape ("
                        + vocabularySize + ", " + hidden + ") needs " + (long) vocabularySize * hidden);
            }
            if (outputBias.length != vocabularySize) {
                throw new IllegalArgumentException("The output bias has " + outputBias.length + " values, expected V = "
                        + vocabularySize);
            }
            RecurrentExporter.Builder stack = RecurrentExporter.builder(cell).optVariant(variant);
            layers.forEach(stack::addLayer);
            return new LanguageModelExporter(this, stack.build());
        }
    }
}
