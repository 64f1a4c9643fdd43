package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The four parameter arrays of one layer and direction, in DJL's fused layout (the same layout as
 * torch.nn.LSTM's {@code weight_ih_l{k}}, {@code weight_hh_l{k}}, {@code bias_ih_l{k}}, {@code
 * bias_hh_l{k}}).
 *
 * <p>G is {@link CellType#gates()}: rows are stacked per gate, i,f,g,o for LSTM and r,z,n for GRU.
 * The arrays returned by the blocks are the live parameter arrays: copying into them (for example
 * with {@link #copyFrom(RecurrentWeights)}) changes the block.
 *
 * @param i2hWeight {@code (G * hidden, input)}
 * @param h2hWeight {@code (G * hidden, hidden)}
 * @param i2hBias {@code (G * hidden)}
 * @param h2hBias {@code (G * hidden)}
 */
public record RecurrentWeights(NDArray i2hWeight, NDArray h2hWeight, NDArray i2hBias, NDArray h2hBias) {

    /** The suffixes of DJL's parameter names for these arrays, in this record's order. */
    public static final String[] DJL_NAMES = {
        "l_0_i2h_WEIGHT", "l_0_h2h_WEIGHT", "l_0_i2h_BIAS", "l_0_h2h_BIAS"
    };

    /** The arrays in this record's order. */
    public NDArray[] toArray() {
        return new NDArray[] {i2hWeight, h2hWeight, i2hBias, h2hBias};
    }

    /**
     * Copies the values of {@code source} into these arrays (also across engines: values go through
     * the host). Shapes must match exactly; both sides must be float32.
     */
    public void copyFrom(RecurrentWeights source) {
        NDArray[] to = toArray();
        NDArray[] from = source.toArray();
        for (int i = 0; i < to.length; i++) {
            Shape expected = to[i].getShape();
            if (!expected.equals(from[i].getShape())) {
                throw new IllegalArgumentException(
                        "Cannot copy " + DJL_NAMES[i] + ": source shape " + from[i].getShape()
                                + " differs from target shape " + expected);
            }
            to[i].set(java.nio.FloatBuffer.wrap(from[i].toFloatArray()));
        }
    }
}
