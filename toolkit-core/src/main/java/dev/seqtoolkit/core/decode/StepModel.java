package dev.seqtoolkit.core.decode;

import java.util.List;

/**
 * A sequence-to-sequence model seen one target step at a time, so that greedy and beam search are
 * written once for every backend (DJL blocks, ONNX Runtime sessions) and their outputs can be
 * compared token for token. No DJL type appears here.
 */
public interface StepModel extends AutoCloseable {

    /**
     * @return the size of the target vocabulary; the width of every row of log-probabilities, except
     *     that a copy model's steps may return wider rows (its extended vocabulary, {@link
     *     StepOutput#vocabSize()}), whose extra ids stand for source words outside the vocabulary
     */
    int vocabSize();

    /**
     * Encodes a batch of source sentences.
     *
     * @param sourceIds one array of token ids per sentence; lengths may differ
     * @return a state with one row per sentence, in order
     */
    DecoderState encode(List<int[]> sourceIds);

    /**
     * Runs one decoding step for every row of {@code state}.
     *
     * @param state the current state; left unchanged
     * @param previousTokens the previous token of each row ({@link SpecialIds#BOS} at the first step);
     *     {@code previousTokens.length == state.rows()}; each below the previous step's output width
     * @return log-probabilities of the next token per row, the next state and optionally attention
     */
    StepOutput step(DecoderState state, int[] previousTokens);

    /**
     * As {@link #step(DecoderState, int[])}, for a search that needs only each row's {@code
     * candidates} most probable tokens: a model that can find them where it computes the
     * distribution (ONNX Runtime's step graph) returns just those ({@link StepOutput#hasFullRows()}
     * false) and saves moving full rows to the host. Any model may return full rows instead, which
     * is the default.
     *
     * @param candidates at least 1
     */
    default StepOutput step(DecoderState state, int[] previousTokens, int candidates) {
        return step(state, previousTokens);
    }

    /**
     * The number of attention positions of a sentence: the entries of a row's attention that belong
     * to it. Defaults to the number of source ids; a model that appends its own end token to the
     * source says so here.
     *
     * @param sourceIds the sentence's ids as given to {@link #encode}
     * @return the number of attention positions
     */
    default int attentionLength(int[] sourceIds) {
        return sourceIds.length;
    }

    /** Frees the model's native resources; a no-op by default. */
    @Override
    default void close() {}
}
