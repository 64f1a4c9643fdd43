package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import dev.seqtoolkit.core.attention.AttentionKeys;
import dev.seqtoolkit.core.nn.RecurrentState;

/**
 * What {@link Seq2SeqModel#encode} computes once per source batch and every decoder step reads.
 *
 * @param memory encoder outputs {@code (batch, srcLen, M)}, zero at padded positions
 * @param sourceMask {@code (batch, srcLen)} float, 1 for a real position and 0 for padding
 * @param initialState the decoder's initial state {@code (decoderLayers, batch, HD)} (c is null for
 *     GRU)
 * @param keys the memory prepared as attention keys (projected once for additive and general)
 * @param lengths the source lengths, on the host
 */
public record Encoded(
        NDArray memory, NDArray sourceMask, RecurrentState initialState, AttentionKeys keys, int[] lengths)
        implements AutoCloseable {

    /** The batch size. */
    public long batch() {
        return memory.getShape().get(0);
    }

    /** The padded source length. */
    public long sourceLength() {
        return memory.getShape().get(1);
    }

    /** Closes every array (the prepared keys only if they are not the memory itself). */
    @Override
    public void close() {
        keys.close();
        memory.close();
        sourceMask.close();
        initialState.close();
    }
}
