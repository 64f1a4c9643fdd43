package dev.seqtoolkit.core.nn;

/**
 * The recurrent cell kinds the toolkit builds, with the number of gate blocks stacked in DJL's fused
 * parameter layout.
 *
 * <ul>
 *   <li>{@link #LSTM}: 4 blocks of {@code hidden} rows, in the order input (i), forget (f),
 *       candidate (g), output (o) on both engines.
 *   <li>{@link #GRU}: 3 blocks, in the order reset (r), update (z), candidate (n) on both engines,
 *       with the reset gate applied to the hidden projection <em>after</em> its bias:
 *       {@code n = tanh(W_in x + b_in + r * (W_hn h + b_hn))}, {@code h' = (1 - z) * n + z * h}
 *       (cuDNN's convention, ONNX's {@code linear_before_reset = 1}).
 * </ul>
 */
public enum CellType {
    LSTM(4),
    GRU(3);

    private final int gates;

    CellType(int gates) {
        this.gates = gates;
    }

    /** The number of stacked gate blocks G; weights have {@code G * hidden} rows. */
    public int gates() {
        return gates;
    }

    /** True if the cell carries a cell state {@code c} besides the hidden state {@code h}. */
    public boolean hasCellState() {
        return this == LSTM;
    }
}
