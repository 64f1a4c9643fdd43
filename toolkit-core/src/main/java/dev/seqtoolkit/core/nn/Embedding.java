package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * A trainable lookup table {@code (vocab, dim)}: ids {@code (batch, time)} to vectors {@code (batch,
 * time, dim)} (any id shape works: the result has the ids' shape plus {@code dim}). The parameter is
 * named {@code embedding}. Ids must be integers in {@code [0, vocab)}; they are checked on every call
 * (one host read), and an out-of-range id fails naming the range found.
 *
 * <p>Pretrained vectors: {@link #loadPretrained} (after {@code initialize}) copies GloVe or word2vec
 * text vectors for the known tokens and draws the rest, see {@link PretrainedVectors}.
 */
public final class Embedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int vocabularySize;
    private final int dim;
    private final Parameter embedding;

    Embedding(Builder builder) {
        super(VERSION);
        vocabularySize = builder.vocabularySize;
        dim = builder.dim;
        embedding = addParameter(Parameter.builder()
                .setName("embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, dim))
                .build());
    }

    public static Builder builder() {
        return new Builder();
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    public int dim() {
        return dim;
    }

    /** The live table {@code (vocab, dim)}. */
    public NDArray weight() {
        return RecurrentCell.checkedArray(embedding);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {inputs[0].addAll(new Shape(dim))};
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(embed(parameterStore, inputs.head(), training));
    }

    /**
     * @param ids {@code (batch, time)} (or any shape) integer ids in {@code [0, vocab)}
     * @return {@code (batch, time, dim)}, in {@code ids}' manager
     */
    public NDArray embed(ParameterStore parameterStore, NDArray ids, boolean training) {
        DataType type = ids.getDataType();
        if (!type.isInteger()) {
            throw new IllegalArgumentException("ids must be integers, got " + type + " " + ids.getShape());
        }
        NDManager caller = ids.getManager();
        try (NDManager scope = caller.newSubManager()) {
            NDArray typed = ids.toType(DataType.INT64, true);
            typed.attach(scope);
            NDArray flat = typed.reshape(-1);
            if (flat.size() > 0) {
                long min = flat.min().getLong();
                long max = flat.max().getLong();
                if (min < 0 || max >= vocabularySize) {
                    throw new IllegalArgumentException(
                            "ids must be in [0, " + vocabularySize + "), got values in [" + min + ", " + max
                                    + "] for ids " + ids.getShape());
                }
            }
            NDArray table = parameterStore.getValue(embedding, ids.getDevice(), training);
            NDArray rows = table.get(new NDIndex("{}", flat)); // (n, dim)
            rows.attach(scope);
            NDArray result = rows.reshape(ids.getShape().addAll(new Shape(dim)));
            result.attach(caller);
            return result;
        }
    }

    /**
     * Replaces the table with pretrained vectors for the given vocabulary; the block must be
     * initialized.
     *
     * @param vocabulary tokens by id, exactly {@link #vocabularySize()} of them
     * @param seed seed for the rows of tokens missing from the file
     * @param scale those rows are uniform in {@code [-scale, scale)} (see {@link
     *     PretrainedVectors#DEFAULT_SCALE})
     */
    public PretrainedReport loadPretrained(
            Path file, VectorFormat format, List<String> vocabulary, long seed, float scale) throws IOException {
        if (vocabulary.size() != vocabularySize) {
            throw new IllegalArgumentException(
                    "vocabulary has " + vocabulary.size() + " tokens, embedding has " + vocabularySize + " rows");
        }
        PretrainedVectors.Result result = PretrainedVectors.read(file, format, dim, vocabulary, seed, scale);
        weight().set(FloatBuffer.wrap(result.matrix()));
        return result.report();
    }

    /** Builds an {@link Embedding}; both sizes are required. */
    public static final class Builder {
        private int vocabularySize;
        private int dim;

        Builder() {}

        /** <b>Required</b>: number of rows (ids {@code 0 .. vocab-1}). */
        public Builder setVocabularySize(int vocabularySize) {
            this.vocabularySize = vocabularySize;
            return this;
        }

        /** <b>Required</b>: vector size. */
        public Builder setEmbeddingSize(int dim) {
            this.dim = dim;
            return this;
        }

        public Embedding build() {
            if (vocabularySize <= 0 || dim <= 0) {
                throw new IllegalArgumentException(
                        "setVocabularySize and setEmbeddingSize are required and must be > 0, got "
                                + vocabularySize + " and " + dim);
            }
            return new Embedding(this);
        }
    }
}
