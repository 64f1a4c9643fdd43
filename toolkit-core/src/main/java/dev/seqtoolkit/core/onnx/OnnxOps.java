package dev.seqtoolkit.core.onnx;

/** Small graph-building steps shared by the exporters; each names its outputs uniquely. */
final class OnnxOps {
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
}
