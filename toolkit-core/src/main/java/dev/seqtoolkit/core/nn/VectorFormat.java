package dev.seqtoolkit.core.nn;

/** Text formats of pretrained word vectors. */
public enum VectorFormat {
    /** GloVe: one {@code word v1 ... vD} per line, no header. */
    GLOVE,
    /** word2vec text ({@code -binary 0}): a header line {@code count dim}, then {@code word v1 ... vD}. */
    WORD2VEC_TEXT
}
