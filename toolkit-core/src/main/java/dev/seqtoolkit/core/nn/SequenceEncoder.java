package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A stacked, optionally bidirectional recurrent encoder with torch.nn.LSTM's surface, batch-first.
 *
 * <p>Implemented by {@link RecurrentEncoder} (DJL's fused kernels) and {@link
 * ExplicitRecurrentEncoder} (cells unrolled step by step, for gate variants). Both register the same
 * parameter names and layouts for the standard cells, so weights copy 1:1 between them.
 *
 * <p>Lengths semantics (PyTorch's {@code pack_padded_sequence}): row {@code b} reads positions
 * {@code [0, lengths[b])}; its final state is the state after its last valid step (the backward
 * direction reads the row reversed within its own length, so it finishes at position 0); outputs at
 * positions {@code >= lengths[b]} are zero.
 */
public interface SequenceEncoder extends Block {

    /**
     * Runs the encoder.
     *
     * @param parameterStore where parameter values come from
     * @param input {@code (batch, time, inputSize)}
     * @param lengths {@code (batch)} valid lengths in {@code [1, time]} (any numeric type), or null
     *     when every row is {@code time} long
     * @param initial initial states {@code (layers * directions, batch, hidden)}, or null for zeros
     * @param training true inside a training step (dropout on; on MXNet only inside a
     *     GradientCollector)
     * @return outputs attached to {@code input}'s manager; the caller closes them
     */
    RecurrentOutput forward(
            ParameterStore parameterStore,
            NDArray input,
            NDArray lengths,
            RecurrentState initial,
            boolean training);

    /** The live parameter arrays of one layer and direction (0 forward, 1 backward). */
    RecurrentWeights weights(int layer, int direction);

    CellType cellType();

    int stateSize();

    int numLayers();

    /** 2 if bidirectional, else 1. */
    int numDirections();
}
