package dev.seqtoolkit.core.host;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the JDK's incubating vector API. A panel is four vector registers tall, so one pass
 * over a panel keeps four accumulators in registers and streams the weights once.
 */
final class VectorKernels implements HostKernels {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int PANEL = 4 * LANES;
    private static final FloatVector ONE = FloatVector.broadcast(SPECIES, 1f);

    private VectorKernels() {}

    static HostKernels create() {
        return new VectorKernels();
    }

    @Override
    public int panelRows() {
        return PANEL;
    }

    @Override
    public void multiply(PackedMatrix w, float[] x, int xOffset, float[] y, int yOffset, boolean accumulate) {
        ScalarKernels.check(w, PANEL);
        int rows = w.rows();
        int cols = w.cols();
        float[] data = w.data();
        float[] tail = null;
        for (int panel = 0, r0 = 0; r0 < rows; panel++, r0 += PANEL) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            int o = panel * PANEL * cols;
            for (int c = 0; c < cols; c++, o += PANEL) {
                FloatVector xc = FloatVector.broadcast(SPECIES, x[xOffset + c]);
                a0 = FloatVector.fromArray(SPECIES, data, o).fma(xc, a0);
                a1 = FloatVector.fromArray(SPECIES, data, o + LANES).fma(xc, a1);
                a2 = FloatVector.fromArray(SPECIES, data, o + 2 * LANES).fma(xc, a2);
                a3 = FloatVector.fromArray(SPECIES, data, o + 3 * LANES).fma(xc, a3);
            }
            int target = yOffset + r0;
            if (r0 + PANEL <= rows && target + PANEL <= y.length) {
                if (accumulate) {
                    a0 = a0.add(FloatVector.fromArray(SPECIES, y, target));
                    a1 = a1.add(FloatVector.fromArray(SPECIES, y, target + LANES));
                    a2 = a2.add(FloatVector.fromArray(SPECIES, y, target + 2 * LANES));
                    a3 = a3.add(FloatVector.fromArray(SPECIES, y, target + 3 * LANES));
                }
                a0.intoArray(y, target);
                a1.intoArray(y, target + LANES);
                a2.intoArray(y, target + 2 * LANES);
                a3.intoArray(y, target + 3 * LANES);
            } else {
                if (tail == null) {
                    tail = new float[PANEL];
                }
                a0.intoArray(tail, 0);
                a1.intoArray(tail, LANES);
                a2.intoArray(tail, 2 * LANES);
                a3.intoArray(tail, 3 * LANES);
                int n = Math.min(PANEL, rows - r0);
                for (int t = 0; t < n; t++) {
                    y[target + t] = accumulate ? y[target + t] + tail[t] : tail[t];
                }
            }
        }
    }

    @Override
    public void sigmoid(float[] a, int offset, int length) {
        int i = offset;
        int end = offset + length;
        for (; i + LANES <= end; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, a, i);
            // 1 / (1 + exp(-v))
            ONE.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(a, i);
        }
        for (; i < end; i++) {
            a[i] = (float) (1.0 / (1.0 + Math.exp(-a[i])));
        }
    }

    @Override
    public void tanh(float[] a, int offset, int length) {
        int i = offset;
        int end = offset + length;
        for (; i + LANES <= end; i += LANES) {
            FloatVector.fromArray(SPECIES, a, i).lanewise(VectorOperators.TANH).intoArray(a, i);
        }
        for (; i < end; i++) {
            a[i] = (float) Math.tanh(a[i]);
        }
    }

    @Override
    public float max(float[] a, int offset, int length) {
        int end = offset + length;
        int i = offset;
        float m = Float.NEGATIVE_INFINITY;
        if (length >= 4 * LANES) {
            FloatVector m0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            FloatVector m1 = m0;
            FloatVector m2 = m0;
            FloatVector m3 = m0;
            for (int bound = end - 4 * LANES; i <= bound; i += 4 * LANES) {
                m0 = m0.max(FloatVector.fromArray(SPECIES, a, i));
                m1 = m1.max(FloatVector.fromArray(SPECIES, a, i + LANES));
                m2 = m2.max(FloatVector.fromArray(SPECIES, a, i + 2 * LANES));
                m3 = m3.max(FloatVector.fromArray(SPECIES, a, i + 3 * LANES));
            }
            m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        }
        for (; i < end; i++) {
            m = Math.max(m, a[i]);
        }
        return m;
    }

    @Override
    public int indexOf(float[] a, int offset, int length, float value) {
        int i = 0;
        for (int bound = length - LANES; i <= bound; i += LANES) {
            VectorMask<Float> hit = FloatVector.fromArray(SPECIES, a, offset + i).eq(value);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < length; i++) {
            if (a[offset + i] == value) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String name() {
        return "vector-" + SPECIES.vectorBitSize();
    }
}
