package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.attention.AttentionKeys;
import dev.seqtoolkit.core.decode.DecoderState;
import dev.seqtoolkit.core.decode.StepModel;
import dev.seqtoolkit.core.decode.StepOutput;
import dev.seqtoolkit.core.nn.CellState;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A trained {@link Seq2SeqModel} seen one target step at a time, for {@link
 * dev.seqtoolkit.core.decode.GreedySearch} and {@link dev.seqtoolkit.core.decode.BeamSearch}.
 *
 * <p>{@link #encode} pads the sources, runs the encoder once and prepares the attention keys once.
 * {@link #step} runs one decoder step for all live rows with explicit cells whose weights were
 * stacked once when this step model was made (a fused block per step costs milliseconds); for the
 * fused LUONG decoder the cells are copies of its weights, and the step's log-probabilities equal the
 * teacher-forced forward's at every position. States reorder by index-selecting rows of memory, mask,
 * keys and recurrent state; sources are shared between the successive states of a step chain
 * (reference-counted), never copied per step.
 *
 * <p>Inference only (no gradients); not thread-safe. The model's weights are read when this object is
 * made: make a new one after further training. Closing frees everything it allocated, including states
 * not yet closed.
 */
public final class DjlStepModel implements StepModel {

    private final Seq2SeqModel model;
    private final Seq2SeqConfig config;
    private final NDManager manager;
    private final ParameterStore ps;
    private final DecoderCells cells;
    private final NDArray targetTable;
    private boolean closed;

    private DjlStepModel(Seq2SeqModel model, NDManager parent) {
        this.model = model;
        this.config = model.config();
        this.manager = parent.newSubManager();
        try {
            this.ps = new ParameterStore(manager, false);
            this.cells = model.decoderCells(ps, manager, false);
            this.targetTable = model.targetEmbedding().weight(); // (V, E), live
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A step model over an initialised (trained) model.
     *
     * @param model the model; its weights are read now
     * @param parent a manager on the model's engine and device; this step model allocates under it
     */
    public static DjlStepModel of(Seq2SeqModel model, NDManager parent) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(parent, "parent");
        return new DjlStepModel(model, parent);
    }

    public Seq2SeqModel model() {
        return model;
    }

    @Override
    public int vocabSize() {
        return config.targetVocabSize();
    }

    @Override
    public DecoderState encode(List<int[]> sourceIds) {
        checkOpen();
        if (sourceIds == null || sourceIds.isEmpty()) {
            throw new IllegalArgumentException("encode needs at least one source sentence");
        }
        int n = sourceIds.size();
        int[] lengths = new int[n];
        int srcLen = 0;
        for (int r = 0; r < n; r++) {
            int[] row = Objects.requireNonNull(sourceIds.get(r), "source " + r);
            if (row.length == 0) {
                throw new IllegalArgumentException("source " + r + " is empty; every source needs at least one id");
            }
            checkIds(row, config.sourceVocabSize(), "source " + r);
            lengths[r] = row.length;
            srcLen = Math.max(srcLen, row.length);
        }
        int[] padded = new int[n * srcLen]; // 0 = pad
        for (int r = 0; r < n; r++) {
            System.arraycopy(sourceIds.get(r), 0, padded, r * srcLen, lengths[r]);
        }
        NDManager sourceManager = manager.newSubManager();
        NDManager stateManager = manager.newSubManager();
        try {
            Encoded encoded;
            try (NDManager inputs = sourceManager.newSubManager()) {
                NDArray ids = inputs.create(padded, new Shape(n, srcLen)); // (n, srcLen)
                NDArray lens = inputs.create(lengths, new Shape(n)); // (n)
                encoded = model.encode(ps, ids, lens, false);
                encoded.memory().attach(sourceManager);
                encoded.sourceMask().attach(sourceManager);
                encoded.keys().prepared().attach(sourceManager);
                encoded.initialState().h().attach(stateManager);
                if (encoded.initialState().c() != null) {
                    encoded.initialState().c().attach(stateManager);
                }
            }
            Source source = new Source(sourceManager, encoded.memory(), encoded.sourceMask(), encoded.keys());
            List<CellState> state = Seq2SeqModel.perLayer(encoded.initialState()); // (n, HD) per layer
            for (CellState s : state) {
                attach(s, stateManager);
            }
            NDArray feed = config.inputFeeding()
                    ? stateManager.zeros(new Shape(n, config.decoderHiddenSize()))
                    : null;
            return new State(source, stateManager, state, feed, n);
        } catch (RuntimeException e) {
            stateManager.close();
            sourceManager.close();
            throw e;
        }
    }

    private static void checkIds(int[] ids, int vocab, String what) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException(
                        what + " holds id " + ids[i] + " at position " + i + ", outside [0, " + vocab + ")");
            }
        }
    }

    private static void attach(CellState s, NDManager m) {
        s.h().attach(m);
        if (s.c() != null) {
            s.c().attach(m);
        }
    }

    @Override
    public StepOutput step(DecoderState decoderState, int[] previousTokens) {
        checkOpen();
        State state = own(decoderState);
        if (previousTokens.length != state.rows) {
            throw new IllegalArgumentException(
                    "previousTokens has " + previousTokens.length + " entries for a state of " + state.rows + " rows");
        }
        checkIds(previousTokens, config.targetVocabSize(), "previousTokens");
        long[] ids = new long[previousTokens.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = previousTokens[i];
        }
        Source source = state.source;
        NDManager next = manager.newSubManager();
        try (NDManager scope = manager.newSubManager()) {
            // intermediates land in the manager of their first operand: lend the inputs to the step scope
            state.lendTo(scope);
            NDArray index = scope.create(ids); // (rows)
            NDArray embedded = targetTable.get(scope, new NDIndex("{}", index)); // (rows, E)
            DecoderStep step = model.step(ps, cells, embedded, state.layers, state.feed,
                    source.memory, source.keys, source.mask, false);
            NDArray logProbs = model.project(ps, step.output(), false).logSoftmax(1); // (rows, V)
            float[] lp = logProbs.toFloatArray();
            float[] attention = step.attention().toFloatArray(); // (rows, srcLen)
            for (CellState s : step.state()) {
                attach(s, next);
            }
            NDArray feed = null;
            if (config.inputFeeding()) {
                feed = step.output();
                feed.attach(next);
            }
            State nextState = new State(source.retain(), next, step.state(), feed, state.rows);
            return new StepOutput(nextState, lp, config.targetVocabSize(), attention, (int) source.srcLen);
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
    }

    private State own(DecoderState decoderState) {
        if (!(decoderState instanceof State) || ((State) decoderState).owner() != this) {
            throw new IllegalArgumentException("the state was not made by this step model");
        }
        State state = (State) decoderState;
        if (state.closed) {
            throw new IllegalStateException("the state is closed");
        }
        return state;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this step model is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cells.close();
            manager.close();
        }
    }

    /** Encoder memory, mask and attention keys of a set of rows, shared by the states of a step chain. */
    private static final class Source {
        final NDManager manager;
        final NDArray memory; // (rows, srcLen, M)
        final NDArray mask; // (rows, srcLen)
        final AttentionKeys keys;
        final long srcLen;
        int references = 1;

        Source(NDManager manager, NDArray memory, NDArray mask, AttentionKeys keys) {
            this.manager = manager;
            this.memory = memory;
            this.mask = mask;
            this.keys = keys;
            this.srcLen = memory.getShape().get(1);
        }

        Source retain() {
            references++;
            return this;
        }

        void release() {
            if (--references == 0) {
                keys.close();
                manager.close();
            }
        }
    }

    /** A {@link DecoderState}: shared source rows plus this state's own recurrent arrays. */
    private final class State implements DecoderState {
        final Source source;
        final NDManager own;
        final List<CellState> layers; // (rows, HD) each
        final NDArray feed; // (rows, HD) with input feeding, else null
        final int rows;
        boolean closed;

        State(Source source, NDManager own, List<CellState> layers, NDArray feed, int rows) {
            this.source = source;
            this.own = own;
            this.layers = layers;
            this.feed = feed;
            this.rows = rows;
        }

        DjlStepModel owner() {
            return DjlStepModel.this;
        }

        /** Temporarily attaches every array a step reads to {@code scope} (they return on its close). */
        void lendTo(NDManager scope) {
            List<NDArray> arrays = new ArrayList<>();
            arrays.add(source.memory);
            arrays.add(source.mask);
            if (source.keys.prepared() != source.memory) {
                arrays.add(source.keys.prepared());
            }
            for (CellState s : layers) {
                arrays.add(s.h());
                if (s.c() != null) {
                    arrays.add(s.c());
                }
            }
            if (feed != null) {
                arrays.add(feed);
            }
            scope.tempAttachAll(arrays.toArray(new NDArray[0]));
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public DecoderState reorder(int[] rowIndices) {
            checkOpen();
            if (closed) {
                throw new IllegalStateException("the state is closed");
            }
            if (rowIndices.length == 0) {
                throw new IllegalArgumentException("reorder needs at least one row");
            }
            long[] index = new long[rowIndices.length];
            boolean identity = rowIndices.length == rows;
            for (int i = 0; i < rowIndices.length; i++) {
                if (rowIndices[i] < 0 || rowIndices[i] >= rows) {
                    throw new IndexOutOfBoundsException(
                            "row index " + rowIndices[i] + " at " + i + " outside [0, " + rows + ")");
                }
                index[i] = rowIndices[i];
                identity &= rowIndices[i] == i;
            }
            NDManager stateManager = manager.newSubManager();
            NDManager sourceManager = identity ? null : manager.newSubManager();
            try {
                NDArray idx = stateManager.create(index); // (rows')
                NDIndex select = new NDIndex("{}", idx);
                Source nextSource;
                if (identity) {
                    nextSource = source.retain();
                } else {
                    NDArray memory = source.memory.get(sourceManager, select); // (rows', srcLen, M)
                    NDArray mask = source.mask.get(sourceManager, select); // (rows', srcLen)
                    AttentionKeys keys = source.keys.reorder(idx, memory);
                    nextSource = new Source(sourceManager, memory, mask, keys);
                }
                List<CellState> selected = new ArrayList<>(layers.size());
                for (CellState s : layers) {
                    selected.add(new CellState(s.h().get(stateManager, select),
                            s.c() == null ? null : s.c().get(stateManager, select)));
                }
                NDArray nextFeed = feed == null ? null : feed.get(stateManager, select);
                idx.close();
                return new State(nextSource, stateManager, selected, nextFeed, rowIndices.length);
            } catch (RuntimeException e) {
                stateManager.close();
                if (sourceManager != null) {
                    sourceManager.close();
                }
                throw e;
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                own.close();
                if (!DjlStepModel.this.closed) {
                    source.release();
                }
            }
        }
    }
}
