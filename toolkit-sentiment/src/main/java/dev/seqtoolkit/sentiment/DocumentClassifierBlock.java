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
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;
import dev.seqtoolkit.core.hierarchy.HierarchicalEncoder;
import dev.seqtoolkit.core.hierarchy.HierarchicalOutput;
import dev.seqtoolkit.core.nn.Embedding;
import dev.seqtoolkit.core.nn.RecurrentEncoder;
import dev.seqtoolkit.core.onnx.ClassifierExporter;
import dev.seqtoolkit.core.onnx.PoolingExporter;
import dev.seqtoolkit.core.onnx.RecurrentExporter;

/**
 * The hierarchical document classifier (Yang et al. 2016): embedding -> {@link HierarchicalEncoder}
 * (word BiLSTM/BiGRU + attention -> sentence vectors; sentence BiLSTM/BiGRU + attention -> document
 * vector) -> dropout -> linear. Children: {@code embedding}, {@code encoder}, {@code output}.
 */
public final class DocumentClassifierBlock extends AbstractBlock implements ClassifierNetwork {
    private static final byte VERSION = 1;

    private final Embedding embedding;
    private final HierarchicalEncoder encoder;
    private final Linear output;
    private final float dropout;
    private final int numClasses;
    private final int embeddingSize;

    DocumentClassifierBlock(SentimentConfig c, int vocabularySize) {
        super(VERSION);
        numClasses = c.labels().size();
        dropout = c.dropout();
        embeddingSize = c.embeddingSize();
        embedding = addChildBlock("embedding",
                Embedding.builder().setVocabularySize(vocabularySize).setEmbeddingSize(c.embeddingSize()).build());
        encoder = addChildBlock("encoder", HierarchicalEncoder.builder().setCellType(c.cell())
                .setWordHiddenSize(c.hiddenSize()).setSentenceHiddenSize(c.sentenceHiddenSize())
                .optWordAttentionSize(c.attentionSize()).optSentenceAttentionSize(c.sentenceAttentionSize()).build());
        output = addChildBlock("output", Linear.builder().setUnits(numClasses).build());
    }

    /** The network a HIERARCHICAL config describes. */
    static DocumentClassifierBlock of(SentimentConfig c, int vocabularySize) {
        if (c.architecture() != SentimentConfig.Architecture.HIERARCHICAL) {
            throw new IllegalArgumentException("DocumentClassifierBlock needs a HIERARCHICAL config, got " + c.architecture());
        }
        return new DocumentClassifierBlock(c, vocabularySize);
    }

    @Override
    public Embedding embedding() {
        return embedding;
    }

    @Override
    public RecurrentEncoder wordEncoder() {
        return encoder.wordEncoder();
    }

    public HierarchicalEncoder encoder() {
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

    /** {@inheritDoc} Two levels, each with attention pooling whose weights become outputs. */
    @Override
    public ClassifierExporter.Builder onnxExporter() {
        return ClassifierExporter.builder()
                .setEmbedding(embedding.weight().toFloatArray(), embedding.vocabularySize(), embedding.dim())
                .setWordLevel(RecurrentExporter.of(encoder.wordEncoder(), embedding.dim()),
                        PoolingExporter.of(encoder.wordAttention()))
                .optSentenceLevel(RecurrentExporter.of(encoder.sentenceEncoder(), encoder.wordDim()),
                        PoolingExporter.of(encoder.sentenceAttention()))
                .setOutputLayer(output.getParameters().get("weight").getArray().toFloatArray(),
                        output.getParameters().get("bias").getArray().toFloatArray());
    }

    @Override
    public ClassifierOutput classify(ParameterStore ps, NDManager m, HierarchicalBatch batch, boolean training) {
        NDArray x = embedding.embed(ps, batch.sentenceIds(m), training); // (S, W, E)
        if (training && dropout > 0) {
            x = Dropout.dropout(x, dropout, true).singletonOrThrow();
        }
        HierarchicalOutput h = encoder.encode(ps, x, batch.sentenceLengths(m), batch.packedWordMask(m),
                batch.slotIndex(m), batch.sentenceMask(m), training);
        NDArray doc = h.document(); // (D, 2Hs)
        if (training && dropout > 0) {
            doc = Dropout.dropout(doc, dropout, true).singletonOrThrow();
        }
        NDArray logits = output.forward(ps, new NDList(doc), training).singletonOrThrow(); // (D, C)
        return new ClassifierOutput(logits, h.wordWeights(), h.sentenceWeights());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("DocumentClassifierBlock runs through classify(ps, manager, batch, training)");
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
        output.initialize(manager, dataType, new Shape(ids.get(0), encoder.outputDim()));
    }
}
