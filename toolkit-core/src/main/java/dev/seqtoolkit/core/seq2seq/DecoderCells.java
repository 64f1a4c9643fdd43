package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDManager;
import dev.seqtoolkit.core.nn.RecurrentCell;
import dev.seqtoolkit.core.nn.StackedWeights;

/**
 * The decoder's explicit cells, one per layer, with their weights stacked for {@link
 * RecurrentCell#step}: built once per batch (training) or once per step model (inference), never per
 * step. Closing frees the stacked weights and, for cells copied from a fused decoder, the copies.
 */
final class DecoderCells implements AutoCloseable {

    private final RecurrentCell[] cells;
    private final StackedWeights[] weights;
    private final NDManager owned;

    /**
     * @param cells the cells, layer 0 first
     * @param weights their stacked weights, same order
     * @param owned a manager to close with this object (holding copied cells), or null
     */
    DecoderCells(RecurrentCell[] cells, StackedWeights[] weights, NDManager owned) {
        if (cells.length != weights.length || cells.length == 0) {
            throw new IllegalArgumentException(cells.length + " cells for " + weights.length + " stacked weights");
        }
        this.cells = cells;
        this.weights = weights;
        this.owned = owned;
    }

    int layers() {
        return cells.length;
    }

    RecurrentCell cell(int layer) {
        return cells[layer];
    }

    StackedWeights weights(int layer) {
        return weights[layer];
    }

    @Override
    public void close() {
        for (StackedWeights w : weights) {
            w.close();
        }
        if (owned != null) {
            owned.close();
        }
    }
}
