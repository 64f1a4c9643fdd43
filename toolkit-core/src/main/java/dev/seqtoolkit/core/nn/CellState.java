package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * State of one cell (one layer, one direction) between steps.
 *
 * @param h hidden state {@code (batch, hidden)}
 * @param c cell state {@code (batch, hidden)}; null for GRU
 */
public record CellState(NDArray h, NDArray c) implements AutoCloseable {

    public CellState {
        if (h == null || h.getShape().dimension() != 2) {
            throw new IllegalArgumentException(
                    "h must be (batch, hidden), got " + (h == null ? "null" : h.getShape()));
        }
        if (c != null && !c.getShape().equals(h.getShape())) {
            throw new IllegalArgumentException(
                    "c shape " + c.getShape() + " differs from h shape " + h.getShape());
        }
    }

    /** {@code [h]} or {@code [h, c]} as a new list. */
    public NDList toList() {
        return c == null ? new NDList(h) : new NDList(h, c);
    }

    @Override
    public void close() {
        h.close();
        if (c != null) {
            c.close();
        }
    }
}
