package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The result of a teacher-forced forward of a {@link Seq2SeqModel}.
 *
 * @param logits {@code (batch, tgtLen, targetVocab)} unnormalised scores of the next token
 * @param attention {@code (batch, tgtLen, srcLen)} attention weights of every target position, 0 at
 *     padded source positions
 */
public record Seq2SeqOutput(NDArray logits, NDArray attention) implements AutoCloseable {

    /** {@code [logits, attention]} as a new list. */
    public NDList toList() {
        return new NDList(logits, attention);
    }

    @Override
    public void close() {
        logits.close();
        attention.close();
    }
}
