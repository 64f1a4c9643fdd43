package dev.seqtoolkit.core.lm;

import ai.djl.ndarray.NDArray;
import dev.seqtoolkit.core.host.HostKernels;
import dev.seqtoolkit.core.host.HostRecurrentStack;
import dev.seqtoolkit.core.host.PackedMatrix;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.RecurrentWeights;
import dev.seqtoolkit.core.nn.SequenceEncoder;

/**
 * A snapshot of a {@link LanguageModel}'s weights evaluated token by token on the host CPU: the
 * generation path for standard LSTM and GRU cells. One engine call per generated token would cost
 * more than the whole step; here a step is two packed matrix-vector products per layer plus the
 * output layer, with no allocation.
 *
 * <p>The first layer's input projection is precomputed per token id when the table stays small
 * (one-hot models always; embedded models when {@code vocab * G * hidden} is at most
 * {@value #MAX_TABLE_FLOATS} floats), else computed from the embedding row at every step.
 *
 * <p>Immutable and shareable across threads; each stream of generation owns a {@link Stream}.
 */
public final class HostLanguageModel {
    static final int MAX_TABLE_FLOATS = 1 << 23;

    private final int vocabSize;
    private final HostRecurrentStack stack;
    private final float[] projectionTable; // (vocab, G*H) or null
    private final float[] embeddingTable; // (vocab, E) or null
    private final int embeddingSize;
    private final PackedMatrix output; // (vocab, hidden)
    private final float[] outputBias; // (vocab)

    private HostLanguageModel(int vocabSize, HostRecurrentStack stack, float[] projectionTable,
            float[] embeddingTable, int embeddingSize, PackedMatrix output, float[] outputBias) {
        this.vocabSize = vocabSize;
        this.stack = stack;
        this.projectionTable = projectionTable;
        this.embeddingTable = embeddingTable;
        this.embeddingSize = embeddingSize;
        this.output = output;
        this.outputBias = outputBias;
    }

    /** Copies the weights of an initialised model; later training does not affect the snapshot. */
    public static HostLanguageModel of(LanguageModel model) {
        return of(model, HostKernels.best());
    }

    /** As {@link #of(LanguageModel)} with the given kernels. */
    public static HostLanguageModel of(LanguageModel model, HostKernels kernels) {
        LanguageModelConfig config = model.config();
        if (config.isVariant()) {
            throw new UnsupportedOperationException(
                    "Host generation covers the standard LSTM and GRU cells; this model uses a gate variant "
                            + "(gate " + config.gateActivation() + ", candidate " + config.candidateActivation()
                            + ", cell " + config.cellActivation() + ", time gate " + config.timeGate()
                            + "): generate with the explicit cells instead");
        }
        SequenceEncoder encoder = model.encoder();
        HostRecurrentStack.Builder builder = HostRecurrentStack.builder(
                config.cell() == CellType.LSTM ? HostRecurrentStack.Cell.LSTM : HostRecurrentStack.Cell.GRU)
                .optKernels(kernels);
        int in = config.inputSize();
        for (int l = 0; l < config.numLayers(); l++) {
            RecurrentWeights w = encoder.weights(l, 0);
            builder.addLayer(in, config.hiddenSize(), floats(w.i2hWeight()), floats(w.h2hWeight()),
                    floats(w.i2hBias()), floats(w.h2hBias()));
            in = config.hiddenSize();
        }
        HostRecurrentStack stack = builder.build();
        int gateRows = config.cell().gates() * config.hiddenSize();
        float[] table = null;
        float[] embedding = null;
        if (config.embeddingSize() == 0) {
            table = stack.oneHotProjectionTable();
        } else {
            embedding = floats(model.embedding().weight());
            if ((long) config.vocabSize() * gateRows <= MAX_TABLE_FLOATS) {
                table = projectEmbeddings(stack, embedding, config.vocabSize(), config.embeddingSize());
                embedding = null;
            }
        }
        NDArray weight = model.outputLayer().getParameters().get("weight").getArray(); // (V, H)
        NDArray bias = model.outputLayer().getParameters().get("bias").getArray(); // (V)
        PackedMatrix out = PackedMatrix.pack(floats(weight), config.vocabSize(), config.hiddenSize(), kernels);
        return new HostLanguageModel(config.vocabSize(), stack, table, embedding, config.embeddingSize(), out,
                floats(bias));
    }

    private static float[] projectEmbeddings(HostRecurrentStack stack, float[] embedding, int vocab, int dim) {
        int g = stack.gateRows(0);
        float[] table = new float[vocab * g];
        float[] x = new float[dim];
        for (int v = 0; v < vocab; v++) {
            System.arraycopy(embedding, v * dim, x, 0, dim);
            stack.inputProjection(x, table, v * g); // W_ih e_v + b_ih
        }
        return table;
    }

    private static float[] floats(NDArray array) {
        return array.toFloatArray();
    }

    public int vocabSize() {
        return vocabSize;
    }

    public HostKernels kernels() {
        return stack.kernels();
    }

    /** A fresh stream with zero state. */
    public Stream newStream() {
        return new Stream();
    }

    /** One generation stream: recurrent state, logits buffer, scratch. Not thread-safe. */
    public final class Stream {
        private final HostRecurrentStack.State state = stack.newState();
        private final float[] logits = new float[vocabSize];
        private final float[] x = embeddingTable == null ? null : new float[embeddingSize];

        private Stream() {}

        /**
         * Feeds one token and returns the logits of the next one.
         *
         * @return a live buffer of {@code vocab} logits, overwritten by the next call
         */
        public float[] step(int token) {
            if (token < 0 || token >= vocabSize) {
                throw new IllegalArgumentException("Token id " + token + " outside [0, " + vocabSize + ")");
            }
            if (projectionTable != null) {
                stack.stepProjected(state, projectionTable, token * (projectionTable.length / vocabSize));
            } else {
                System.arraycopy(embeddingTable, token * embeddingSize, x, 0, embeddingSize);
                stack.step(state, x);
            }
            stack.kernels().multiply(output, state.output(), 0, logits, 0, false);
            for (int v = 0; v < vocabSize; v++) {
                logits[v] += outputBias[v];
            }
            return logits;
        }

        /** The recurrent state (live). */
        public HostRecurrentStack.State state() {
            return state;
        }

        /** Back to the zero state. */
        public void reset() {
            state.reset();
        }
    }
}
