package dev.seqtoolkit.core.host;

/**
 * Dense float kernels for latency-bound work on the host CPU: batch-1 recurrent steps, where the
 * cost of one call into a native engine (tens of microseconds) exceeds the arithmetic.
 *
 * <p>Matrices are packed once into panels (see {@link PackedMatrix}) so that a matrix-vector
 * product streams memory contiguously. Two implementations exist: one on the JDK's vector API
 * (chosen when the JVM runs with {@code --add-modules jdk.incubator.vector}) and a scalar one.
 */
public interface HostKernels {

    /** Number of output rows per packed panel; packing and products must agree on it. */
    int panelRows();

    /**
     * {@code y[yOffset + r] = sum_c W[r][c] * x[xOffset + c]} for every row r of {@code w}, added
     * to {@code y} when {@code accumulate} is set, else overwriting it.
     */
    void multiply(PackedMatrix w, float[] x, int xOffset, float[] y, int yOffset, boolean accumulate);

    /** In-place logistic sigmoid of {@code a[offset, offset + length)}. */
    void sigmoid(float[] a, int offset, int length);

    /** In-place hyperbolic tangent of {@code a[offset, offset + length)}. */
    void tanh(float[] a, int offset, int length);

    /**
     * The largest of {@code a[offset, offset + length)} as {@link Math#max} would find it: NaN if any
     * element is NaN, negative infinity for an empty range.
     */
    float max(float[] a, int offset, int length);

    /**
     * The first position {@code i} in {@code [0, length)} with {@code a[offset + i] == value}, or -1;
     * never found for a NaN {@code value}. With {@link #max} it gives a row's arg-max in two
     * streaming passes.
     */
    int indexOf(float[] a, int offset, int length, float value);

    /** The name shown in benchmarks and logs. */
    String name();

    /**
     * The fastest kernels this JVM offers: vector kernels when the incubator vector module is
     * present, else scalar ones. Set {@code -Dtoolkit.host.kernels=scalar} to force scalar.
     */
    static HostKernels best() {
        return Holder.BEST;
    }

    /** Portable scalar kernels; always available. */
    static HostKernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** Lazily chosen default. The vector class is only loaded when its module is present. */
    final class Holder {
        static final HostKernels BEST = choose();

        private Holder() {}

        private static HostKernels choose() {
            if ("scalar".equalsIgnoreCase(System.getProperty("toolkit.host.kernels"))) {
                return ScalarKernels.INSTANCE;
            }
            boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
            return vectorModule ? VectorKernels.create() : ScalarKernels.INSTANCE;
        }
    }
}
