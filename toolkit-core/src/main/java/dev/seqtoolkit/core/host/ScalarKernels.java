package dev.seqtoolkit.core.host;

/** Portable kernels in plain Java; correct everywhere, several times slower than the vector ones. */
final class ScalarKernels implements HostKernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();
    private static final int PANEL = 16;

    private ScalarKernels() {}

    @Override
    public int panelRows() {
        return PANEL;
    }

    @Override
    public void multiply(PackedMatrix w, float[] x, int xOffset, float[] y, int yOffset, boolean accumulate) {
        check(w, PANEL);
        int rows = w.rows();
        int cols = w.cols();
        float[] data = w.data();
        float[] acc = new float[PANEL];
        for (int panel = 0, r0 = 0; r0 < rows; panel++, r0 += PANEL) {
            java.util.Arrays.fill(acc, 0f);
            int base = panel * PANEL * cols;
            for (int c = 0; c < cols; c++) {
                float xc = x[xOffset + c];
                int o = base + c * PANEL;
                for (int t = 0; t < PANEL; t++) {
                    acc[t] += xc * data[o + t];
                }
            }
            int n = Math.min(PANEL, rows - r0);
            for (int t = 0; t < n; t++) {
                y[yOffset + r0 + t] = accumulate ? y[yOffset + r0 + t] + acc[t] : acc[t];
            }
        }
    }

    @Override
    public void sigmoid(float[] a, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            a[i] = (float) (1.0 / (1.0 + Math.exp(-a[i])));
        }
    }

    @Override
    public void tanh(float[] a, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            a[i] = (float) Math.tanh(a[i]);
        }
    }

    @Override
    public float max(float[] a, int offset, int length) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = offset, end = offset + length; i < end; i++) {
            m = Math.max(m, a[i]);
        }
        return m;
    }

    @Override
    public int indexOf(float[] a, int offset, int length, float value) {
        for (int i = 0; i < length; i++) {
            if (a[offset + i] == value) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String name() {
        return "scalar";
    }

    static void check(PackedMatrix w, int panel) {
        if (w.panelRows() != panel) {
            throw new IllegalArgumentException(
                    "Matrix packed with panels of " + w.panelRows() + " rows, these kernels use " + panel);
        }
    }
}
