package dev.seqtoolkit.core.onnx;

import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;

/**
 * The parameters of one recurrent layer in one direction, in DJL's fused layout: {@code i2h}
 * weight {@code (G*H, in)}, {@code h2h} weight {@code (G*H, H)}, {@code i2h} bias {@code (G*H)},
 * {@code h2h} bias {@code (G*H)}, all row-major, with gate blocks ordered i, f, g, o (LSTM, G = 4)
 * or r, z, n (GRU, G = 3). Arrays are copied on construction; the object is immutable.
 */
public final class FusedRecurrentWeights {
    private final Cell cell;
    private final int inputSize;
    private final int hiddenSize;
    private final float[] i2hWeight;
    private final float[] h2hWeight;
    private final float[] i2hBias;
    private final float[] h2hBias;

    private FusedRecurrentWeights(Cell cell, int inputSize, int hiddenSize, float[] i2hWeight, float[] h2hWeight,
            float[] i2hBias, float[] h2hBias) {
        this.cell = cell;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.i2hWeight = i2hWeight;
        this.h2hWeight = h2hWeight;
        this.i2hBias = i2hBias;
        this.h2hBias = h2hBias;
    }

    /**
     * Checks sizes and copies the arrays.
     *
     * @param i2hWeight {@code (G*H, in)}
     * @param h2hWeight {@code (G*H, H)}
     * @param i2hBias {@code (G*H)}
     * @param h2hBias {@code (G*H)}
     */
    public static FusedRecurrentWeights of(Cell cell, int inputSize, int hiddenSize, float[] i2hWeight,
            float[] h2hWeight, float[] i2hBias, float[] h2hBias) {
        if (cell == null) {
            throw new IllegalArgumentException("The cell kind is required");
        }
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException(
                    "Sizes must be positive, got inputSize=" + inputSize + ", hiddenSize=" + hiddenSize);
        }
        long rows = (long) gates(cell) * hiddenSize;
        check("i2h weight", i2hWeight, rows * inputSize, "(" + rows + ", " + inputSize + ")");
        check("h2h weight", h2hWeight, rows * hiddenSize, "(" + rows + ", " + hiddenSize + ")");
        check("i2h bias", i2hBias, rows, "(" + rows + ")");
        check("h2h bias", h2hBias, rows, "(" + rows + ")");
        return new FusedRecurrentWeights(cell, inputSize, hiddenSize, i2hWeight.clone(), h2hWeight.clone(),
                i2hBias.clone(), h2hBias.clone());
    }

    private static void check(String what, float[] values, long expected, String shape) {
        if (values == null) {
            throw new IllegalArgumentException("The " + what + " is missing");
        }
        if (values.length != expected) {
            throw new IllegalArgumentException("The " + what + " has " + values.length + " values, shape " + shape
                    + " needs " + expected);
        }
    }

    /** The number of gate blocks G of a cell kind: 4 for LSTM, 3 for GRU. */
    public static int gates(Cell cell) {
        return cell == Cell.LSTM ? 4 : 3;
    }

    public Cell cell() {
        return cell;
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    /** A copy of the {@code (G*H, in)} input weight. */
    public float[] i2hWeight() {
        return i2hWeight.clone();
    }

    /** A copy of the {@code (G*H, H)} recurrent weight. */
    public float[] h2hWeight() {
        return h2hWeight.clone();
    }

    /** A copy of the {@code (G*H)} input bias. */
    public float[] i2hBias() {
        return i2hBias.clone();
    }

    /** A copy of the {@code (G*H)} recurrent bias. */
    public float[] h2hBias() {
        return h2hBias.clone();
    }

    /**
     * Copies the gate blocks of a {@code (G*H, cols)} matrix (or a {@code (G*H)} vector with
     * {@code cols = 1}) into {@code dest} at {@code offset} in the order {@code order}: block k of
     * the result is block {@code order[k]} of the source.
     */
    static void reorderBlocks(float[] src, int hidden, int cols, int[] order, float[] dest, int offset) {
        int block = hidden * cols;
        for (int k = 0; k < order.length; k++) {
            System.arraycopy(src, order[k] * block, dest, offset + k * block, block);
        }
    }

    float[] i2hWeightView() {
        return i2hWeight;
    }

    float[] h2hWeightView() {
        return h2hWeight;
    }

    float[] i2hBiasView() {
        return i2hBias;
    }

    float[] h2hBiasView() {
        return h2hBias;
    }
}
