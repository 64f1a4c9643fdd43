package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Result of running a recurrent stack over a batch: torch.nn.LSTM's {@code (output, (h_n, c_n))},
 * batch-first.
 *
 * @param output top-layer outputs {@code (batch, time, directions * hidden)}; for a bidirectional
 *     stack the forward direction occupies {@code [0, hidden)} and the backward {@code [hidden,
 *     2*hidden)}; positions at or beyond a row's length are zero
 * @param state final states {@code (layers * directions, batch, hidden)}, taken at each row's own
 *     last valid step (for the backward direction: after reading position 0)
 */
public record RecurrentOutput(NDArray output, RecurrentState state) implements AutoCloseable {

    /** The outputs as a new list {@code [output, h]} (GRU) or {@code [output, h, c]} (LSTM). */
    public NDList toList() {
        NDList list = new NDList(output);
        list.addAll(state.toList());
        return list;
    }

    @Override
    public void close() {
        output.close();
        state.close();
    }
}
