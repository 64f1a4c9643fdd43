package dev.seqtoolkit.core.hierarchy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.seqtoolkit.core.attention.AttentionPooling;
import dev.seqtoolkit.core.attention.PoolingResult;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.RecurrentEncoder;
import dev.seqtoolkit.core.nn.RecurrentOutput;

/**
 * The hierarchical attention encoder of Yang et al. (2016): a word-level (bidirectional) LSTM or
 * GRU with attention pooling turns each sentence into a vector; a sentence-level (bidirectional)
 * LSTM or GRU with attention pooling turns a document's sentence vectors into the document vector.
 *
 * <p>It runs on the packed view of a {@link HierarchicalBatch}: only real sentences go through the
 * word level (with their exact lengths); their vectors are then scattered into the {@code (docs,
 * maxSentences)} slots, padding slots holding zeros, and the sentence level reads each document with
 * its exact sentence count. Padding therefore never changes a document's vector or weights.
 *
 * <p>Child blocks: {@code word_encoder}, {@code word_attention}, {@code sentence_encoder}, {@code
 * sentence_attention}. As a block, {@code forward} takes {@code [words (sentences, maxWords, in),
 * sentenceLengths (sentences), wordMask (sentences, maxWords), slotIndex (docs*maxSentences),
 * sentenceMask (docs, maxSentences)]} and returns {@code [document, sentenceVectors, wordWeights,
 * sentenceWeights, sentenceStates]}.
 */
public final class HierarchicalEncoder extends AbstractBlock {
    private static final byte VERSION = 1;

    private final RecurrentEncoder wordEncoder;
    private final AttentionPooling wordAttention;
    private final RecurrentEncoder sentenceEncoder;
    private final AttentionPooling sentenceAttention;
    private final int wordDim;
    private final int sentenceDim;

    HierarchicalEncoder(Builder b) {
        super(VERSION);
        int dirs = b.bidirectional ? 2 : 1;
        wordDim = b.wordHiddenSize * dirs;
        sentenceDim = b.sentenceHiddenSize * dirs;
        wordEncoder = addChildBlock("word_encoder", RecurrentEncoder.builder().setCellType(b.cellType)
                .setStateSize(b.wordHiddenSize).setNumLayers(1).optBidirectional(b.bidirectional).build());
        wordAttention = addChildBlock("word_attention", AttentionPooling.builder().setInputDim(wordDim)
                .setHiddenDim(b.wordAttentionSize > 0 ? b.wordAttentionSize : wordDim).build());
        sentenceEncoder = addChildBlock("sentence_encoder", RecurrentEncoder.builder().setCellType(b.cellType)
                .setStateSize(b.sentenceHiddenSize).setNumLayers(1).optBidirectional(b.bidirectional).build());
        sentenceAttention = addChildBlock("sentence_attention", AttentionPooling.builder().setInputDim(sentenceDim)
                .setHiddenDim(b.sentenceAttentionSize > 0 ? b.sentenceAttentionSize : sentenceDim).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The word-level encoder (its layer 0 forward direction can be initialised from a language model). */
    public RecurrentEncoder wordEncoder() {
        return wordEncoder;
    }

    public RecurrentEncoder sentenceEncoder() {
        return sentenceEncoder;
    }

    /** The word-level attention pooling (its parameters are read by the ONNX export). */
    public AttentionPooling wordAttention() {
        return wordAttention;
    }

    /** The sentence-level attention pooling. */
    public AttentionPooling sentenceAttention() {
        return sentenceAttention;
    }

    /** Width of a sentence vector: word hidden size times directions. */
    public int wordDim() {
        return wordDim;
    }

    /** Width of the document vector: sentence hidden size times directions. */
    public int outputDim() {
        return sentenceDim;
    }

    /**
     * Encodes a batch.
     *
     * @param words embedded packed sentences {@code (sentences, maxWords, in)}
     * @param sentenceLengths {@code (sentences)} words per sentence, in {@code [1, maxWords]}
     * @param wordMask {@code (sentences, maxWords)}
     * @param slotIndex {@code (docs * maxSentences)} INT64, packed row per slot, {@code sentences} for padding
     * @param sentenceMask {@code (docs, maxSentences)}
     * @return the document vectors, both levels' weights and the sentence-level states, in {@code words}' manager
     */
    public HierarchicalOutput encode(ParameterStore ps, NDArray words, NDArray sentenceLengths, NDArray wordMask,
            NDArray slotIndex, NDArray sentenceMask, boolean training) {
        Shape w = words.getShape();
        Shape sm = sentenceMask.getShape();
        if (w.dimension() != 3 || sentenceLengths.getShape().dimension() != 1
                || sentenceLengths.getShape().get(0) != w.get(0) || sm.dimension() != 2
                || slotIndex.getShape().dimension() != 1 || slotIndex.getShape().get(0) != sm.get(0) * sm.get(1)) {
            throw new IllegalArgumentException("HierarchicalEncoder: expected words (sentences, maxWords, in), "
                    + "sentenceLengths (sentences), slotIndex (docs*maxSentences), sentenceMask (docs, maxSentences); got "
                    + w + ", " + sentenceLengths.getShape() + ", " + slotIndex.getShape() + ", " + sm);
        }
        long docs = sm.get(0);
        long maxSentences = sm.get(1);
        NDManager caller = words.getManager();
        try (NDManager scope = caller.newSubManager()) {
            for (NDArray a : new NDArray[] {words, sentenceLengths, wordMask, slotIndex, sentenceMask}) {
                a.tempAttach(scope);
            }
            RecurrentOutput wordStates = wordEncoder.forward(ps, words, sentenceLengths, null, training);
            PoolingResult wordPool = wordAttention.pool(ps, wordStates.output(), wordMask, training); // (S, wordDim)
            NDArray zero = scope.zeros(new Shape(1, wordDim), wordPool.pooled().getDataType(), words.getDevice());
            NDArray withPad = wordPool.pooled().concat(zero, 0); // (S + 1, wordDim)
            NDArray slots = withPad.get(new NDIndex("{}", slotIndex.toType(DataType.INT64, false)))
                    .reshape(docs, maxSentences, wordDim); // (docs, maxSentences, wordDim)
            NDArray counts = sentenceMask.sum(new int[] {1}); // (docs)
            RecurrentOutput sentenceStates = sentenceEncoder.forward(ps, slots, counts, null, training);
            PoolingResult docPool = sentenceAttention.pool(ps, sentenceStates.output(), sentenceMask, training);
            NDArray[] out = {docPool.pooled(), wordPool.pooled(), wordPool.weights(), docPool.weights(),
                sentenceStates.output()}; // the last: (docs, maxSentences, sentenceDim), zero at padding
            for (NDArray a : out) {
                a.attach(caller);
            }
            return new HierarchicalOutput(out[0], out[1], out[2], out[3], out[4]);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 5) {
            throw new IllegalArgumentException("HierarchicalEncoder: expected [words, sentenceLengths, wordMask, "
                    + "slotIndex, sentenceMask], got " + inputs.size() + " arrays");
        }
        HierarchicalOutput o = encode(ps, inputs.get(0), inputs.get(1), inputs.get(2), inputs.get(3), inputs.get(4),
                training);
        return new NDList(o.document(), o.sentenceVectors(), o.wordWeights(), o.sentenceWeights(), o.sentenceStates());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape w = inputs[0];
        Shape sm = inputs.length > 4 ? inputs[4] : new Shape(1, 1);
        return new Shape[] {new Shape(sm.get(0), sentenceDim), new Shape(w.get(0), wordDim),
            new Shape(w.get(0), w.get(1)), sm, new Shape(sm.get(0), sm.get(1), sentenceDim)};
    }

    /** Input shapes: {@code [(sentences, maxWords, in)]}; the rest are not needed to initialise. */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape w = inputShapes[0];
        if (w.dimension() != 3) {
            throw new IllegalArgumentException("HierarchicalEncoder: words must be (sentences, maxWords, in), got " + w);
        }
        wordEncoder.initialize(manager, dataType, w);
        wordAttention.initialize(manager, dataType, new Shape(w.get(0), w.get(1), wordDim));
        sentenceEncoder.initialize(manager, dataType, new Shape(1, 1, wordDim));
        sentenceAttention.initialize(manager, dataType, new Shape(1, 1, sentenceDim));
    }

    /** Builder: cell type and both hidden sizes required; attention sizes default to the state widths; bidirectional by default. */
    public static final class Builder {
        private CellType cellType;
        private int wordHiddenSize;
        private int sentenceHiddenSize;
        private int wordAttentionSize;
        private int sentenceAttentionSize;
        private boolean bidirectional = true;

        Builder() {}

        public Builder setCellType(CellType cellType) {
            this.cellType = cellType;
            return this;
        }

        /** Word-level state size per direction. */
        public Builder setWordHiddenSize(int size) {
            this.wordHiddenSize = size;
            return this;
        }

        /** Sentence-level state size per direction. */
        public Builder setSentenceHiddenSize(int size) {
            this.sentenceHiddenSize = size;
            return this;
        }

        /** Hidden size of the word attention (default: the word states' width). */
        public Builder optWordAttentionSize(int size) {
            this.wordAttentionSize = size;
            return this;
        }

        /** Hidden size of the sentence attention (default: the sentence states' width). */
        public Builder optSentenceAttentionSize(int size) {
            this.sentenceAttentionSize = size;
            return this;
        }

        public Builder optBidirectional(boolean bidirectional) {
            this.bidirectional = bidirectional;
            return this;
        }

        public HierarchicalEncoder build() {
            if (cellType == null) {
                throw new IllegalArgumentException("HierarchicalEncoder: setCellType is required");
            }
            if (wordHiddenSize <= 0 || sentenceHiddenSize <= 0) {
                throw new IllegalArgumentException("HierarchicalEncoder: setWordHiddenSize and setSentenceHiddenSize "
                        + "must be > 0, got " + wordHiddenSize + " and " + sentenceHiddenSize);
            }
            if (wordAttentionSize < 0 || sentenceAttentionSize < 0) {
                throw new IllegalArgumentException("HierarchicalEncoder: attention sizes must be >= 0 (0 = default), got "
                        + wordAttentionSize + " and " + sentenceAttentionSize);
            }
            return new HierarchicalEncoder(this);
        }
    }
}
