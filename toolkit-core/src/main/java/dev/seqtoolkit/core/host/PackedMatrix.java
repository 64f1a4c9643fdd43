package dev.seqtoolkit.core.host;

import java.util.Arrays;

/**
 * A dense {@code (rows, cols)} matrix stored in panels of {@code panelRows} rows: panel p holds,
 * column by column, the {@code panelRows} entries of rows {@code [p * panelRows, (p + 1) * panelRows)}.
 * A matrix-vector product then reads the weights front to back exactly once. Rows are padded with
 * zeros up to a multiple of the panel height.
 */
public final class PackedMatrix {
    private final int rows;
    private final int cols;
    private final int panelRows;
    private final float[] data;

    private PackedMatrix(int rows, int cols, int panelRows, float[] data) {
        this.rows = rows;
        this.cols = cols;
        this.panelRows = panelRows;
        this.data = data;
    }

    /**
     * Packs a row-major matrix, the layout of DJL's {@code Linear} and recurrent weights.
     *
     * @param rowMajor {@code (rows, cols)} values, row after row
     */
    public static PackedMatrix pack(float[] rowMajor, int rows, int cols, HostKernels kernels) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("Matrix sizes must be positive, got (" + rows + ", " + cols + ")");
        }
        if (rowMajor.length != (long) rows * cols) {
            throw new IllegalArgumentException(
                    "Expected " + rows + " x " + cols + " = " + ((long) rows * cols) + " values, got " + rowMajor.length);
        }
        int p = kernels.panelRows();
        int panels = (rows + p - 1) / p;
        float[] packed = new float[panels * p * cols];
        for (int r = 0; r < rows; r++) {
            int panel = r / p;
            int within = r % p;
            int base = panel * p * cols + within;
            for (int c = 0; c < cols; c++) {
                packed[base + c * p] = rowMajor[r * cols + c];
            }
        }
        return new PackedMatrix(rows, cols, p, packed);
    }

    /** Packs the rows {@code [from, to)} of a row-major {@code (rows, cols)} matrix. */
    public static PackedMatrix packRows(float[] rowMajor, int rows, int cols, int from, int to, HostKernels kernels) {
        if (from < 0 || to > rows || from >= to) {
            throw new IllegalArgumentException("Row range [" + from + ", " + to + ") outside [0, " + rows + ")");
        }
        return pack(Arrays.copyOfRange(rowMajor, from * cols, to * cols), to - from, cols, kernels);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    int panelRows() {
        return panelRows;
    }

    float[] data() {
        return data;
    }
}
