package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The result of a teacher-forced forward of a {@link Seq2SeqModel}.
 *
 * @param logits {@code (batch, tgtLen, targetVocab)} unnormalised scores of the next token
 * @param attention {@code (batch, tgtLen, srcLen)} attention weights of every target position, 0 at
 *     padded source positions
 * @param generationLogits with copy, {@code (batch, tgtLen)}: the copy switch before its sigmoid,
 *     {@code p_gen = sigmoid(generationLogits)}; null without copy
 * @param coverageLoss with coverage, {@code (batch, tgtLen)}: {@code sum_i min(a_t,i, c_t,i)} of each
 *     position, neither masked nor weighted; null without coverage
 */
public record Seq2SeqOutput(NDArray logits, NDArray attention, NDArray generationLogits, NDArray coverageLoss)
        implements AutoCloseable {

    /** An output without copy and coverage. */
    public Seq2SeqOutput(NDArray logits, NDArray attention) {
        this(logits, attention, null, null);
    }

    /** {@code [logits, attention]}, then the generation logits and the coverage loss if present, as a new list. */
    public NDList toList() {
        NDList list = new NDList(logits, attention);
        if (generationLogits != null) {
            list.add(generationLogits);
        }
        if (coverageLoss != null) {
            list.add(coverageLoss);
        }
        return list;
    }

    @Override
    public void close() {
        logits.close();
        attention.close();
        if (generationLogits != null) {
            generationLogits.close();
        }
        if (coverageLoss != null) {
            coverageLoss.close();
        }
    }
}
