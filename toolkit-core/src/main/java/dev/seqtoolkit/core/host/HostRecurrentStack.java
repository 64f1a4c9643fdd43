package dev.seqtoolkit.core.host;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A unidirectional stack of LSTM or GRU layers evaluated one step at a time on the host CPU, for
 * batch-1 generation where one engine call costs more than the step's arithmetic.
 *
 * <p>Weights use DJL's fused layout: {@code i2h} {@code (G*H, in)}, {@code h2h} {@code (G*H, H)},
 * biases {@code (G*H)}, gate blocks in the order i, f, g, o for LSTM (G = 4) and r, z, n for GRU
 * (G = 3), where the GRU candidate is {@code n = tanh(W_in x + b_in + r * (W_hn h + b_hn))} and
 * {@code h' = (1 - z) * n + z * h}.
 *
 * <p>The stack itself is immutable and shared; each generation stream owns a {@link State}, which
 * also holds the scratch buffers, so one stack serves many threads with no allocation per step.
 */
public final class HostRecurrentStack {
    /** Recurrent cell kind. */
    public enum Cell {
        LSTM(4),
        GRU(3);

        final int gates;

        Cell(int gates) {
            this.gates = gates;
        }
    }

    private final Cell cell;
    private final HostKernels kernels;
    private final List<Layer> layers;

    private HostRecurrentStack(Cell cell, HostKernels kernels, List<Layer> layers) {
        this.cell = cell;
        this.kernels = kernels;
        this.layers = List.copyOf(layers);
    }

    public static Builder builder(Cell cell) {
        return new Builder(cell);
    }

    public Cell cell() {
        return cell;
    }

    public int numLayers() {
        return layers.size();
    }

    public int inputSize() {
        return layers.get(0).in;
    }

    public int hiddenSize(int layer) {
        return layers.get(layer).hidden;
    }

    /** The hidden size of the top layer, the size of {@link State#output()}. */
    public int outputSize() {
        return layers.get(layers.size() - 1).hidden;
    }

    public HostKernels kernels() {
        return kernels;
    }

    /** Rows of layer {@code layer}'s gate pre-activations, {@code G * hidden}. */
    public int gateRows(int layer) {
        return layers.get(layer).gateRows;
    }

    /**
     * The first layer's input projection {@code W_ih x + b_ih}, written to {@code out[offset, offset
     * + G*H)}; the form {@link #stepProjected} takes.
     */
    public void inputProjection(float[] x, float[] out, int offset) {
        Layer first = layers.get(0);
        if (x.length != first.in) {
            throw new IllegalArgumentException("Input has " + x.length + " values, the stack expects " + first.in);
        }
        kernels.multiply(first.wIh, x, 0, out, offset, false);
        for (int r = 0; r < first.gateRows; r++) {
            out[offset + r] += first.bIh[r];
        }
    }

    /** Zero initial state. */
    public State newState() {
        return new State(this);
    }

    /**
     * One step with a dense input vector.
     *
     * @param x input of size {@link #inputSize()}
     */
    public void step(State state, float[] x) {
        if (x.length != inputSize()) {
            throw new IllegalArgumentException("Input has " + x.length + " values, the stack expects " + inputSize());
        }
        Layer first = layers.get(0);
        kernels.multiply(first.wIh, x, 0, state.xPart, 0, false);
        add(state.xPart, first.bIh, first.gateRows);
        runFrom(state, 0);
    }

    /**
     * One step whose first-layer input projection {@code W_ih x + b_ih} is already known, e.g. a
     * row of a precomputed table for one-hot or embedded tokens.
     *
     * @param projection {@code (G*H)} values starting at {@code offset}
     */
    public void stepProjected(State state, float[] projection, int offset) {
        System.arraycopy(projection, offset, state.xPart, 0, layers.get(0).gateRows);
        runFrom(state, 0);
    }

    /**
     * The first-layer input projection {@code W_ih x + b_ih} of every column of the identity, i.e.
     * the table for one-hot inputs: row v is column v of {@code W_ih} plus {@code b_ih}.
     */
    public float[] oneHotProjectionTable() {
        Layer first = layers.get(0);
        int g = first.gateRows;
        float[] table = new float[first.in * g];
        float[] unit = new float[first.in];
        for (int v = 0; v < first.in; v++) {
            unit[v] = 1f;
            kernels.multiply(first.wIh, unit, 0, table, v * g, false);
            for (int r = 0; r < g; r++) {
                table[v * g + r] += first.bIh[r];
            }
            unit[v] = 0f;
        }
        return table;
    }

    private void runFrom(State state, int start) {
        for (int l = start; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            if (l > start) {
                // input projection from the previous layer's new hidden state
                kernels.multiply(layer.wIh, state.h[l - 1], 0, state.xPart, 0, false);
                add(state.xPart, layer.bIh, layer.gateRows);
            }
            kernels.multiply(layer.wHh, state.h[l], 0, state.hPart, 0, false);
            add(state.hPart, layer.bHh, layer.gateRows);
            if (cell == Cell.LSTM) {
                lstm(layer, state.xPart, state.hPart, state.h[l], state.c[l]);
            } else {
                gru(layer, state.xPart, state.hPart, state.h[l]);
            }
        }
    }

    private void lstm(Layer layer, float[] x, float[] hp, float[] h, float[] c) {
        int n = layer.hidden;
        for (int r = 0; r < 4 * n; r++) {
            x[r] += hp[r];
        }
        kernels.sigmoid(x, 0, 2 * n); // i, f
        kernels.tanh(x, 2 * n, n); // g
        kernels.sigmoid(x, 3 * n, n); // o
        for (int j = 0; j < n; j++) {
            c[j] = x[n + j] * c[j] + x[j] * x[2 * n + j];
            hp[j] = c[j];
        }
        kernels.tanh(hp, 0, n);
        for (int j = 0; j < n; j++) {
            h[j] = x[3 * n + j] * hp[j];
        }
    }

    private void gru(Layer layer, float[] x, float[] hp, float[] h) {
        int n = layer.hidden;
        for (int r = 0; r < 2 * n; r++) {
            x[r] += hp[r];
        }
        kernels.sigmoid(x, 0, 2 * n); // r, z
        for (int j = 0; j < n; j++) {
            x[2 * n + j] += x[j] * hp[2 * n + j];
        }
        kernels.tanh(x, 2 * n, n); // candidate
        for (int j = 0; j < n; j++) {
            float z = x[n + j];
            h[j] = (1f - z) * x[2 * n + j] + z * h[j];
        }
    }

    private static void add(float[] a, float[] b, int n) {
        for (int i = 0; i < n; i++) {
            a[i] += b[i];
        }
    }

    /** The recurrent state of one stream plus its scratch buffers. Not thread-safe; one per stream. */
    public static final class State {
        final float[][] h;
        final float[][] c;
        final float[] xPart;
        final float[] hPart;
        private final HostRecurrentStack stack;

        private State(HostRecurrentStack stack) {
            this.stack = stack;
            int layers = stack.layers.size();
            h = new float[layers][];
            c = new float[layers][];
            int widest = 0;
            for (int l = 0; l < layers; l++) {
                Layer layer = stack.layers.get(l);
                h[l] = new float[layer.hidden];
                c[l] = stack.cell == Cell.LSTM ? new float[layer.hidden] : null;
                widest = Math.max(widest, layer.gateRows);
            }
            xPart = new float[widest];
            hPart = new float[widest];
        }

        /** The top layer's hidden state after the last step; a live view, do not modify. */
        public float[] output() {
            return h[h.length - 1];
        }

        /** Hidden state of a layer (a live view). */
        public float[] hidden(int layer) {
            return h[layer];
        }

        /** Cell state of a layer (a live view); null for GRU. */
        public float[] cell(int layer) {
            return c[layer];
        }

        /** Sets a layer's state, e.g. from an encoder or after a prefix run elsewhere. */
        public void set(int layer, float[] hidden, float[] cellState) {
            if (hidden.length != h[layer].length) {
                throw new IllegalArgumentException(
                        "Layer " + layer + " hidden size is " + h[layer].length + ", got " + hidden.length);
            }
            System.arraycopy(hidden, 0, h[layer], 0, hidden.length);
            if (c[layer] != null) {
                if (cellState == null || cellState.length != c[layer].length) {
                    throw new IllegalArgumentException("Layer " + layer + " needs a cell state of size " + c[layer].length);
                }
                System.arraycopy(cellState, 0, c[layer], 0, cellState.length);
            }
        }

        /** Resets every layer to zero. */
        public void reset() {
            for (int l = 0; l < h.length; l++) {
                Arrays.fill(h[l], 0f);
                if (c[l] != null) {
                    Arrays.fill(c[l], 0f);
                }
            }
        }

        public HostRecurrentStack stack() {
            return stack;
        }
    }

    private static final class Layer {
        final int in;
        final int hidden;
        final int gateRows;
        final PackedMatrix wIh;
        final PackedMatrix wHh;
        final float[] bIh;
        final float[] bHh;

        Layer(int in, int hidden, int gateRows, PackedMatrix wIh, PackedMatrix wHh, float[] bIh, float[] bHh) {
            this.in = in;
            this.hidden = hidden;
            this.gateRows = gateRows;
            this.wIh = wIh;
            this.wHh = wHh;
            this.bIh = bIh;
            this.bHh = bHh;
        }
    }

    /** Builds a stack layer by layer from weights in DJL's fused layout. */
    public static final class Builder {
        private final Cell cell;
        private final List<Layer> layers = new ArrayList<>();
        private HostKernels kernels = HostKernels.best();

        private Builder(Cell cell) {
            this.cell = cell;
        }

        public Builder optKernels(HostKernels kernels) {
            if (!layers.isEmpty()) {
                throw new IllegalStateException("Choose the kernels before adding layers");
            }
            this.kernels = kernels;
            return this;
        }

        /**
         * Adds a layer.
         *
         * @param wIh {@code (G*H, in)} row-major
         * @param wHh {@code (G*H, H)} row-major
         * @param bIh {@code (G*H)}
         * @param bHh {@code (G*H)}
         */
        public Builder addLayer(int in, int hidden, float[] wIh, float[] wHh, float[] bIh, float[] bHh) {
            int g = cell.gates * hidden;
            if (in <= 0 || hidden <= 0) {
                throw new IllegalArgumentException("Layer sizes must be positive, got in=" + in + ", hidden=" + hidden);
            }
            if (!layers.isEmpty() && layers.get(layers.size() - 1).hidden != in) {
                throw new IllegalArgumentException("Layer " + layers.size() + " input size " + in
                        + " differs from the previous layer's hidden size " + layers.get(layers.size() - 1).hidden);
            }
            checkLength("i2h weight", wIh, (long) g * in);
            checkLength("h2h weight", wHh, (long) g * hidden);
            checkLength("i2h bias", bIh, g);
            checkLength("h2h bias", bHh, g);
            layers.add(new Layer(in, hidden, g, PackedMatrix.pack(wIh, g, in, kernels),
                    PackedMatrix.pack(wHh, g, hidden, kernels), bIh.clone(), bHh.clone()));
            return this;
        }

        private void checkLength(String what, float[] values, long expected) {
            if (values.length != expected) {
                throw new IllegalArgumentException("Layer " + layers.size() + " " + what + " has " + values.length
                        + " values, expected " + expected);
            }
        }

        public HostRecurrentStack build() {
            if (layers.isEmpty()) {
                throw new IllegalStateException("A recurrent stack needs at least one layer");
            }
            return new HostRecurrentStack(cell, kernels, layers);
        }
    }
}
