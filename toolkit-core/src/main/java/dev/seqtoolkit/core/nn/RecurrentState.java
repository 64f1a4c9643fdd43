package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * Hidden state (and, for LSTM, cell state) of a recurrent stack, in torch.nn.LSTM's layout.
 *
 * <p>Both arrays have shape {@code (layers * directions, batch, hidden)}; entry {@code l * directions
 * + d} belongs to layer {@code l} and direction {@code d} (0 forward, 1 backward). {@code c} is null
 * for GRU.
 *
 * @param h hidden state {@code (layers * directions, batch, hidden)}
 * @param c cell state {@code (layers * directions, batch, hidden)}, null for GRU
 */
public record RecurrentState(NDArray h, NDArray c) implements AutoCloseable {

    public RecurrentState {
        if (h == null) {
            throw new IllegalArgumentException("hidden state h must not be null");
        }
        if (h.getShape().dimension() != 3) {
            throw new IllegalArgumentException(
                    "hidden state must be (layers*directions, batch, hidden), got " + h.getShape());
        }
        if (c != null && !c.getShape().equals(h.getShape())) {
            throw new IllegalArgumentException(
                    "cell state shape " + c.getShape() + " differs from hidden state shape " + h.getShape());
        }
    }

    /** A GRU state (no cell state). */
    public static RecurrentState ofHidden(NDArray h) {
        return new RecurrentState(h, null);
    }

    /** True if this state carries a cell state. */
    public boolean hasCell() {
        return c != null;
    }

    /** {@code (layers * directions, batch, hidden)}. */
    public Shape shape() {
        return h.getShape();
    }

    /** The arrays as a new list: {@code [h]} or {@code [h, c]}. */
    public NDList toList() {
        return c == null ? new NDList(h) : new NDList(h, c);
    }

    /** Closes both arrays. */
    @Override
    public void close() {
        h.close();
        if (c != null) {
            c.close();
        }
    }
}
