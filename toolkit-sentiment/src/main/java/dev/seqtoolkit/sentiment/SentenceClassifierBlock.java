package dev.seqtoolkit.sentiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.seqtoolkit.core.attention.AttentionPooling;
import dev.seqtoolkit.core.attention.Pooling;
import dev.seqtoolkit.core.attention.PoolingResult;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.Embedding;
import dev.seqtoolkit.core.nn.RecurrentEncoder;
import dev.seqtoolkit.core.nn.RecurrentOutput;
import dev.seqtoolkit.core.onnx.ClassifierExporter;
import dev.seqtoolkit.core.onnx.PoolingExporter;
import dev.seqtoolkit.core.onnx.RecurrentExporter;
import dev.seqtoolkit.sentiment.SentimentConfig.PoolingKind;

/**
 * The sentence classifier: embedding {@code (vocab, E)} -> bidirectional LSTM/GRU {@code H} per
 * direction -> pooling over the {@code 2H} states (additive attention with a learned context vector,
 * or max, mean, last) -> dropout -> linear {@code 2H -> classes}. With attention pooling and {@code
 * attentionSize = 2H} this is case d of the peer benchmarks. Children: {@code embedding}, {@code
 * encoder}, {@code attention} (attention pooling only), {@code output}.
 */
public final class SentenceClassifierBlock extends AbstractBlock implements ClassifierNetwork {
    private static final byte VERSION = 1;

    private final Embedding embedding;
    private final RecurrentEncoder encoder;
    private final AttentionPooling attention;
    private final Pooling pooling;
    private final Linear output;
    private final float dropout;
    private final int numClasses;
    private final int embeddingSize;

    SentenceClassifierBlock(Builder b) {
        super(VERSION);
        numClasses = b.numClasses;
        dropout = b.dropout;
        embeddingSize = b.embeddingSize;
        embedding = addChildBlock("embedding",
                Embedding.builder().setVocabularySize(b.vocabularySize).setEmbeddingSize(b.embeddingSize).build());
        encoder = addChildBlock("encoder", RecurrentEncoder.builder().setCellType(b.cell).setStateSize(b.hiddenSize)
                .setNumLayers(1).optBidirectional(true).build());
        int width = 2 * b.hiddenSize;
        if (b.pooling == PoolingKind.ATTENTION) {
            attention = addChildBlock("attention", AttentionPooling.builder().setInputDim(width)
                    .setHiddenDim(b.attentionSize > 0 ? b.attentionSize : width).build());
            pooling = null;
        } else {
            attention = null;
            pooling = Pooling.valueOf(b.pooling.name());
        }
        output = addChildBlock("output", Linear.builder().setUnits(numClasses).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The network a config describes. */
    static SentenceClassifierBlock of(SentimentConfig c, int vocabularySize) {
        return builder().setVocabularySize(vocabularySize).setEmbeddingSize(c.embeddingSize())
                .setHiddenSize(c.hiddenSize()).setNumClasses(c.labels().size()).optCell(c.cell())
                .optPooling(c.pooling()).optAttentionSize(c.attentionSize()).optDropout(c.dropout()).build();
    }

    @Override
    public Embedding embedding() {
        return embedding;
    }

    @Override
    public RecurrentEncoder wordEncoder() {
        return encoder;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public Shape[] initializationShapes() {
        return new Shape[] {new Shape(1, 1)};
    }

    /** {@inheritDoc} Every pooling exports: attention (with its weights as an output), max, mean, last. */
    @Override
    public ClassifierExporter.Builder onnxExporter() {
        PoolingExporter pool = attention != null ? PoolingExporter.of(attention) : PoolingExporter.of(pooling);
        return ClassifierExporter.builder()
                .setEmbedding(embedding.weight().toFloatArray(), embedding.vocabularySize(), embedding.dim())
                .setWordLevel(RecurrentExporter.of(encoder, embedding.dim()), pool)
                .setOutputLayer(output.getParameters().get("weight").getArray().toFloatArray(),
                        output.getParameters().get("bias").getArray().toFloatArray());
    }

    /** {@inheritDoc} The batch must hold one sentence per text. */
    @Override
    public ClassifierOutput classify(ParameterStore ps, NDManager manager, HierarchicalBatch batch, boolean training) {
        if (batch.sentenceCount() != batch.size()) {
            throw new IllegalArgumentException("the sentence classifier reads one sentence per text, got "
                    + batch.sentenceCount() + " sentences for " + batch.size() + " texts");
        }
        NDArray ids = batch.sentenceIds(manager); // (B, T)
        NDArray lengths = batch.sentenceLengths(manager); // (B)
        NDArray mask = batch.packedWordMask(manager); // (B, T)
        return forward(ps, ids, lengths, mask, training);
    }

    /**
     * @param ids {@code (batch, time)} positive ids, 0 as padding
     * @param lengths {@code (batch)} in {@code [1, time]}
     * @param mask {@code (batch, time)} 1 real, 0 padding
     * @return logits {@code (batch, classes)} and word weights {@code (batch, time)} (null without attention)
     */
    public ClassifierOutput forward(ParameterStore ps, NDArray ids, NDArray lengths, NDArray mask, boolean training) {
        NDArray x = embedding.embed(ps, ids, training); // (B, T, E)
        if (training && dropout > 0) {
            x = Dropout.dropout(x, dropout, true).singletonOrThrow();
        }
        RecurrentOutput states = encoder.forward(ps, x, lengths, null, training); // (B, T, 2H)
        NDArray pooled;
        NDArray weights = null;
        if (attention != null) {
            PoolingResult r = attention.pool(ps, states.output(), mask, training);
            pooled = r.pooled();
            weights = r.weights();
        } else {
            pooled = pooling.pool(states.output(), mask);
        }
        if (training && dropout > 0) {
            pooled = Dropout.dropout(pooled, dropout, true).singletonOrThrow();
        }
        NDArray logits = output.forward(ps, new NDList(pooled), training).singletonOrThrow(); // (B, C)
        return new ClassifierOutput(logits, weights, null);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        long batch = ids.getShape().get(0);
        long time = ids.getShape().get(1);
        NDManager m = ids.getManager();
        NDArray lengths = inputs.size() > 1 ? inputs.get(1) : m.full(new Shape(batch), (int) time);
        NDArray mask = inputs.size() > 2 ? inputs.get(2) : m.ones(new Shape(batch, time));
        ClassifierOutput out = forward(ps, ids, lengths, mask, training);
        return out.wordWeights() == null ? new NDList(out.logits()) : new NDList(out.logits(), out.wordWeights());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), numClasses)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        embedding.initialize(manager, dataType, ids);
        encoder.initialize(manager, dataType, new Shape(ids.get(0), ids.get(1), embeddingSize));
        long width = 2L * encoder.stateSize();
        if (attention != null) {
            attention.initialize(manager, dataType, new Shape(ids.get(0), ids.get(1), width));
        }
        output.initialize(manager, dataType, new Shape(ids.get(0), width));
    }

    /** Builder: vocabulary, embedding and hidden sizes and the class count are required. */
    public static final class Builder {
        private int vocabularySize;
        private int embeddingSize;
        private int hiddenSize;
        private int numClasses;
        private CellType cell = CellType.LSTM;
        private PoolingKind pooling = PoolingKind.ATTENTION;
        private int attentionSize;
        private float dropout;

        Builder() {}

        public Builder setVocabularySize(int size) { this.vocabularySize = size; return this; }
        public Builder setEmbeddingSize(int size) { this.embeddingSize = size; return this; }
        /** State size per direction. */
        public Builder setHiddenSize(int size) { this.hiddenSize = size; return this; }
        public Builder setNumClasses(int classes) { this.numClasses = classes; return this; }
        public Builder optCell(CellType cell) { this.cell = cell; return this; }
        public Builder optPooling(PoolingKind pooling) { this.pooling = pooling; return this; }
        /** Attention hidden size; 0 (default) = twice the hidden size. */
        public Builder optAttentionSize(int size) { this.attentionSize = size; return this; }
        public Builder optDropout(float dropout) { this.dropout = dropout; return this; }

        public SentenceClassifierBlock build() {
            if (vocabularySize < 1 || embeddingSize < 1 || hiddenSize < 1 || numClasses < 2) {
                throw new IllegalArgumentException("SentenceClassifierBlock needs vocabularySize, embeddingSize, "
                        + "hiddenSize >= 1 and numClasses >= 2, got " + vocabularySize + ", " + embeddingSize + ", "
                        + hiddenSize + ", " + numClasses);
            }
            if (cell == null || pooling == null || attentionSize < 0 || !(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("SentenceClassifierBlock: cell and pooling must be set, attentionSize "
                        + ">= 0 and dropout in [0, 1); got " + cell + ", " + pooling + ", " + attentionSize + ", " + dropout);
            }
            return new SentenceClassifierBlock(this);
        }
    }
}
