package dev.seqtoolkit.core.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Small graph-building steps shared by the exporters; each names its outputs uniquely. */
final class OnnxOps {
    /** The largest input-gate table an exporter builds: 1 GiB (protobuf stops at 2 GiB per file). */
    static final long MAX_GATE_TABLE_BYTES = 1L << 30;
    private OnnxOps() {}

    /** {@code x (..., cols) W^T} for a row-major {@code W (rows, cols)} given in DJL's Linear layout. */
    static String matMulTransposed(OnnxGraphBuilder g, String x, float[] w, int rows, int cols, String name) {
        float[] t = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = w[r * cols + c];
            }
        }
        String wt = g.addInitializer(g.uniqueName(name), t, cols, rows);
        return g.node("MatMul").inputs(x, wt).outputs(g.uniqueName(name + "_product")).addSingle();
    }

    static String unsqueeze(OnnxGraphBuilder g, String x, long axis, String name) {
        return g.node("Unsqueeze").inputs(x, ints(g, name + "_axes", axis)).outputs(g.uniqueName(name)).addSingle();
    }

    static String squeeze(OnnxGraphBuilder g, String x, long axis, String name) {
        return g.node("Squeeze").inputs(x, ints(g, name + "_axes", axis)).outputs(g.uniqueName(name)).addSingle();
    }

    /** A 1-D int64 initializer. */
    static String ints(OnnxGraphBuilder g, String name, long... values) {
        return g.addInitializer(g.uniqueName(name), values, values.length);
    }

    /** A scalar int64 initializer. */
    static String scalar(OnnxGraphBuilder g, String name, long value) {
        return g.addInitializer(g.uniqueName(name), new long[] {value});
    }

    /** A one-element float initializer (broadcasts). */
    static String floats(OnnxGraphBuilder g, String name, float value) {
        return g.addInitializer(g.uniqueName(name), new float[] {value}, 1);
    }

    /** The element-wise sum of two vectors of one length (e.g. a cell's two bias vectors). */
    static float[] sum(float[] a, float[] b) {
        float[] s = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    /** Columns {@code [from, to)} of a row-major {@code (rows, cols)} matrix. */
    static float[] columns(float[] w, int rows, int cols, int from, int to) {
        int width = to - from;
        float[] out = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, r * cols + from, out, r * width, width);
        }
        return out;
    }

    /**
     * The input gates a recurrent layer computes for every token, {@code (vocab, rows)}: {@code
     * embedding W[:, :e]^T + bias}, with the embedding {@code (vocab, e)} and the layer's input
     * weight {@code W (rows, in)} row-major, its first {@code e} columns reading the embedding. The
     * product runs on the default engine in a manager of its own.
     */
    static float[] inputGateTable(float[] embedding, int vocab, int e, float[] w, int in, float[] bias) {
        int rows = bias.length;
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray emb = scope.create(embedding, new Shape(vocab, e));
            NDArray we = scope.create(e == in ? w : columns(w, rows, in, 0, e), new Shape(rows, e));
            return emb.matMul(we.transpose()).add(scope.create(bias)).toFloatArray();
        }
    }
}
