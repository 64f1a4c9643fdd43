package dev.seqtoolkit.summarize.extractive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.seqtoolkit.core.engine.HostArrays;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;
import dev.seqtoolkit.core.hierarchy.HierarchicalEncoder;
import dev.seqtoolkit.core.hierarchy.HierarchicalOutput;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.Embedding;

/**
 * SummaRuNNer (Nallapati, Zhai and Zhou, AAAI 2017): a sentence extractor over the toolkit's {@link
 * HierarchicalEncoder}. The encoder's sentence-level states {@code h_j} (bidirectional, width {@code
 * dim}) are scored one sentence at a time:
 *
 * <pre>
 *   d        = tanh(mean_j(h_j) W_d + b_d)                                    document  (dim)
 *   s_1      = 0,   s_{j+1} = s_j + P(y_j = 1) h_j                             running summary (dim)
 *   logit_j  = h_j w_c                  content
 *            + h_j W_s d^T              salience
 *            - h_j W_r tanh(s_j)^T      novelty: only sentences before j enter s_j
 *            + A[abs_j] w_a             absolute position  abs_j = min(j, positions - 1)
 *            + R[rel_j] w_r             relative position  rel_j = floor(j * segments / sentences)
 *            + b
 *   P(y_j = 1) = sigmoid(logit_j)
 * </pre>
 *
 * The novelty term makes the scoring sequential over sentences; it is batched over documents.
 * Padding sentence slots have zero states, so they add nothing to {@code s} or {@code d}; their
 * logits are meaningless and {@link #loss} masks them out. The encoder's own document vector
 * (sentence attention) is not used; its attention is built with hidden size 1 to cost nothing.
 *
 * <p>Parameters ({@code (in, out)} layout, row vector times matrix): {@code docWeight (dim, dim)},
 * {@code docBias (dim)}, {@code content (dim, 1)}, {@code salience (dim, dim)}, {@code novelty (dim,
 * dim)}, {@code absolutePositions (positions, positionSize)}, {@code absoluteWeight (positionSize,
 * 1)}, {@code relativePositions (segments, positionSize)}, {@code relativeWeight (positionSize, 1)},
 * {@code bias (1)}. Children: {@code embedding}, {@code encoder}.
 */
public final class SummaRunnerBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Embedding embedding;
    private final HierarchicalEncoder encoder;
    private final int dim;
    private final int positions;
    private final int segments;
    private final int positionSize;
    private final float dropout;
    private final Parameter docWeight;
    private final Parameter docBias;
    private final Parameter content;
    private final Parameter salience;
    private final Parameter novelty;
    private final Parameter absolutePositions;
    private final Parameter absoluteWeight;
    private final Parameter relativePositions;
    private final Parameter relativeWeight;
    private final Parameter bias;

    SummaRunnerBlock(Builder b) {
        super(VERSION);
        positions = b.positions;
        segments = b.segments;
        positionSize = b.positionSize;
        dropout = b.dropout;
        embedding = addChildBlock("embedding",
                Embedding.builder().setVocabularySize(b.vocabularySize).setEmbeddingSize(b.embeddingSize).build());
        encoder = addChildBlock("encoder", HierarchicalEncoder.builder().setCellType(b.cellType)
                .setWordHiddenSize(b.wordHiddenSize).setSentenceHiddenSize(b.sentenceHiddenSize)
                .optWordAttentionSize(b.wordAttentionSize).optSentenceAttentionSize(1).build());
        dim = encoder.outputDim();
        docWeight = param("docWeight", Parameter.Type.WEIGHT, new Shape(dim, dim));
        docBias = param("docBias", Parameter.Type.BIAS, new Shape(dim));
        content = param("content", Parameter.Type.WEIGHT, new Shape(dim, 1));
        salience = param("salience", Parameter.Type.WEIGHT, new Shape(dim, dim));
        novelty = param("novelty", Parameter.Type.WEIGHT, new Shape(dim, dim));
        absolutePositions = param("absolutePositions", Parameter.Type.WEIGHT, new Shape(positions, positionSize));
        absoluteWeight = param("absoluteWeight", Parameter.Type.WEIGHT, new Shape(positionSize, 1));
        relativePositions = param("relativePositions", Parameter.Type.WEIGHT, new Shape(segments, positionSize));
        relativeWeight = param("relativeWeight", Parameter.Type.WEIGHT, new Shape(positionSize, 1));
        bias = param("bias", Parameter.Type.BIAS, new Shape(1));
    }

    private Parameter param(String name, Parameter.Type type, Shape shape) {
        return addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    public Embedding embedding() {
        return embedding;
    }

    public HierarchicalEncoder encoder() {
        return encoder;
    }

    /** Width of a sentence state {@code h_j} (sentence hidden size times 2). */
    public int stateDim() {
        return dim;
    }

    /** Rows of the absolute position table; later sentences share the last row. */
    public int positions() {
        return positions;
    }

    /** Rows of the relative position table. */
    public int segments() {
        return segments;
    }

    /** Input shapes for {@code initialize}: word ids {@code (sentences, words)}. */
    public Shape[] initializationShapes() {
        return new Shape[] {new Shape(1, 1)};
    }

    /**
     * Scores every sentence slot of a batch.
     *
     * @param m the manager the result and intermediates go to
     * @return logits {@code (docs, maxSentences)}; padding slots hold meaningless values
     */
    public NDArray logits(ParameterStore ps, NDManager m, HierarchicalBatch batch, boolean training) {
        NDArray x = embedding.embed(ps, batch.sentenceIds(m), training); // (S, W, E)
        if (training && dropout > 0) {
            x = Dropout.dropout(x, dropout, true).singletonOrThrow();
        }
        HierarchicalOutput h = encoder.encode(ps, x, batch.sentenceLengths(m), batch.packedWordMask(m),
                batch.slotIndex(m), batch.sentenceMask(m), training);
        NDArray states = h.sentenceStates(); // (D, J, dim), zero at padding
        if (training && dropout > 0) {
            states = Dropout.dropout(states, dropout, true).singletonOrThrow();
        }
        return scoreSentences(ps, states, batch.sentenceCounts(), training);
    }

    /**
     * The SummaRuNNer head over given sentence states (the part after the encoder).
     *
     * @param states {@code (docs, maxSentences, dim)}; padding slots must be zero
     * @param sentenceCounts real sentences per document, each in {@code [1, maxSentences]}
     * @return logits {@code (docs, maxSentences)}, in {@code states}' manager
     */
    public NDArray scoreSentences(ParameterStore ps, NDArray states, int[] sentenceCounts, boolean training) {
        Shape s = states.getShape();
        if (s.dimension() != 3 || s.get(2) != dim || s.get(0) != sentenceCounts.length) {
            throw new IllegalArgumentException("SummaRunnerBlock: states must be (docs, maxSentences, " + dim + ") with "
                    + "one sentence count per document; got " + s + " and " + sentenceCounts.length + " counts");
        }
        int docs = (int) s.get(0);
        int slots = (int) s.get(1);
        NDManager m = states.getManager();
        long[] abs = new long[docs * slots];
        long[] rel = new long[docs * slots];
        float[] inverseCounts = new float[docs];
        for (int d = 0; d < docs; d++) {
            int n = sentenceCounts[d];
            if (n < 1 || n > slots) {
                throw new IllegalArgumentException("SummaRunnerBlock: document " + d + " has " + n
                        + " sentences; expected 1.." + slots);
            }
            inverseCounts[d] = 1f / n;
            for (int j = 0; j < slots; j++) {
                abs[d * slots + j] = Math.min(j, positions - 1);
                rel[d * slots + j] = j < n ? (long) j * segments / n : 0;
            }
        }
        var device = states.getDevice();
        NDArray wd = ps.getValue(docWeight, device, training);
        NDArray bd = ps.getValue(docBias, device, training);
        NDArray wc = ps.getValue(content, device, training);
        NDArray ws = ps.getValue(salience, device, training);
        NDArray wr = ps.getValue(novelty, device, training);
        NDArray pa = ps.getValue(absolutePositions, device, training);
        NDArray wa = ps.getValue(absoluteWeight, device, training);
        NDArray pr = ps.getValue(relativePositions, device, training);
        NDArray wrp = ps.getValue(relativeWeight, device, training);
        NDArray b = ps.getValue(bias, device, training);

        NDArray flat = states.reshape((long) docs * slots, dim); // (D*J, dim)
        NDArray mean = states.sum(new int[] {1})
                .mul(HostArrays.owned(m, inverseCounts, new Shape(docs, 1))); // (D, dim)
        NDArray document = mean.matMul(wd).add(bd).tanh(); // (D, dim)
        NDArray contentTerm = flat.matMul(wc).reshape(docs, slots); // (D, J)
        NDArray docSalience = document.matMul(ws.transpose()).expandDims(1); // (D, 1, dim): (W_s d^T)^T
        NDArray salienceTerm = states.mul(docSalience).sum(new int[] {2}); // (D, J)
        NDArray absTerm = pa.matMul(wa).reshape(positions) // (positions): one scalar per position
                .get(new NDIndex("{}", HostArrays.owned(m, abs))).reshape(docs, slots);
        NDArray relTerm = pr.matMul(wrp).reshape(segments)
                .get(new NDIndex("{}", HostArrays.owned(m, rel))).reshape(docs, slots);
        NDArray fixed = contentTerm.add(salienceTerm).add(absTerm).add(relTerm).add(b); // (D, J)
        NDArray projected = flat.matMul(wr).reshape(docs, slots, dim); // (D, J, dim): h_j W_r

        NDList stateSlices = slots == 1 ? new NDList(states) : states.split(slots, 1); // J x (D, 1, dim)
        NDList projectedSlices = slots == 1 ? new NDList(projected) : projected.split(slots, 1);
        NDList fixedSlices = slots == 1 ? new NDList(fixed) : fixed.split(slots, 1); // J x (D, 1)
        NDArray summary = m.zeros(new Shape(docs, dim), states.getDataType(), device); // s_1 = 0
        NDList logits = new NDList(slots);
        for (int j = 0; j < slots; j++) {
            NDArray hj = stateSlices.get(j).reshape(docs, dim);
            NDArray gj = projectedSlices.get(j).reshape(docs, dim);
            NDArray noveltyTerm = gj.mul(summary.tanh()).sum(new int[] {1}, true); // (D, 1)
            NDArray logit = fixedSlices.get(j).sub(noveltyTerm); // (D, 1)
            logits.add(logit);
            if (j + 1 < slots) {
                summary = summary.add(hj.mul(Activation.sigmoid(logit))); // (D, dim)
            }
        }
        return slots == 1 ? logits.get(0) : NDArrays.concat(logits, 1); // (D, J)
    }

    /**
     * Binary cross-entropy of logits against labels, summed over real sentence slots only:
     * {@code sum_j mask_j * (max(x_j, 0) - x_j y_j + log(1 + exp(-|x_j|)))}.
     *
     * @param logits {@code (docs, maxSentences)}
     * @param labels {@code (docs, maxSentences)}, 0 or 1 (anything at padding slots)
     * @param mask {@code (docs, maxSentences)}, 1 real and 0 padding
     * @return the summed loss, a scalar
     */
    public static NDArray loss(NDArray logits, NDArray labels, NDArray mask) {
        if (!logits.getShape().equals(labels.getShape()) || !logits.getShape().equals(mask.getShape())) {
            throw new IllegalArgumentException("SummaRunnerBlock.loss: logits, labels and mask must have one shape, got "
                    + logits.getShape() + ", " + labels.getShape() + ", " + mask.getShape());
        }
        NDArray perSlot = logits.maximum(0f).sub(logits.mul(labels)).add(logits.abs().neg().exp().add(1f).log());
        return perSlot.mul(mask).sum();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("SummaRunnerBlock runs through logits(ps, manager, batch, training)");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(1, inputs[0].get(0))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        embedding.initialize(manager, dataType, ids);
        encoder.initialize(manager, dataType, new Shape(ids.get(0), ids.get(1), embedding.dim()));
    }

    /**
     * Builder. Required: vocabulary size, embedding size, cell type, word and sentence hidden sizes,
     * positions. Defaults: word attention size = word state width, 10 relative segments, position
     * size 50, no dropout.
     */
    public static final class Builder {
        private int vocabularySize;
        private int embeddingSize;
        private CellType cellType;
        private int wordHiddenSize;
        private int wordAttentionSize;
        private int sentenceHiddenSize;
        private int positions;
        private int segments = 10;
        private int positionSize = 50;
        private float dropout;

        Builder() {}

        public Builder setVocabularySize(int size) {
            this.vocabularySize = size;
            return this;
        }

        public Builder setEmbeddingSize(int size) {
            this.embeddingSize = size;
            return this;
        }

        public Builder setCellType(CellType cellType) {
            this.cellType = cellType;
            return this;
        }

        /** Word-level state size per direction. */
        public Builder setWordHiddenSize(int size) {
            this.wordHiddenSize = size;
            return this;
        }

        /** Sentence-level state size per direction; {@code h_j} has twice this width. */
        public Builder setSentenceHiddenSize(int size) {
            this.sentenceHiddenSize = size;
            return this;
        }

        /** Rows of the absolute position table (normally the most sentences a document keeps). */
        public Builder setPositions(int positions) {
            this.positions = positions;
            return this;
        }

        /** Word attention hidden size, 0 = the word states' width. */
        public Builder optWordAttentionSize(int size) {
            this.wordAttentionSize = size;
            return this;
        }

        /** Number of relative position buckets. */
        public Builder optSegments(int segments) {
            this.segments = segments;
            return this;
        }

        /** Width of both position embeddings. */
        public Builder optPositionSize(int size) {
            this.positionSize = size;
            return this;
        }

        /** Dropout on word embeddings and sentence states during training, in [0, 1). */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        public SummaRunnerBlock build() {
            if (vocabularySize < 1 || embeddingSize < 1 || wordHiddenSize < 1 || sentenceHiddenSize < 1) {
                throw new IllegalArgumentException("SummaRunnerBlock: vocabulary, embedding, word and sentence hidden "
                        + "sizes must be >= 1, got " + vocabularySize + ", " + embeddingSize + ", " + wordHiddenSize
                        + ", " + sentenceHiddenSize);
            }
            if (cellType == null) {
                throw new IllegalArgumentException("SummaRunnerBlock: setCellType is required");
            }
            if (positions < 1 || segments < 1 || positionSize < 1) {
                throw new IllegalArgumentException("SummaRunnerBlock: positions, segments and positionSize must be >= 1, "
                        + "got " + positions + ", " + segments + ", " + positionSize);
            }
            if (wordAttentionSize < 0) {
                throw new IllegalArgumentException("SummaRunnerBlock: wordAttentionSize must be >= 0, got "
                        + wordAttentionSize);
            }
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("SummaRunnerBlock: dropout must be in [0, 1), got " + dropout);
            }
            return new SummaRunnerBlock(this);
        }
    }
}
