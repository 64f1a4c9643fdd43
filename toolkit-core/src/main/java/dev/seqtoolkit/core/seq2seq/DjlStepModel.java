package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.attention.AttentionKeys;
import dev.seqtoolkit.core.decode.DecoderState;
import dev.seqtoolkit.core.decode.SpecialIds;
import dev.seqtoolkit.core.decode.StepModel;
import dev.seqtoolkit.core.decode.StepOutput;
import dev.seqtoolkit.core.nn.CellState;

import java.util.ArrayList;
import java.util.Arrays;
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
 * <p><b>Copy.</b> For a copy model the sources may hold extended ids (unknown words numbered per
 * sentence from {@code V}, each below {@code V + length}); {@link #step} returns log-probabilities
 * over the extended vocabulary of the encoded batch, {@code V_ext = V + } the most unknown words any
 * of its sentences numbered, mixing the output distribution with the attention on the host ({@link
 * PointerGenerator#mix}); an extended id a row's source lacks gets {@code -inf}. Previous tokens may be
 * extended ids, read as {@code <unk>}. {@link #vocabSize()} stays {@code V}.
 *
 * <p><b>Coverage.</b> The state carries each row's coverage (the attention so far, summed), which
 * reorders with the rows.
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

    /** The model's target vocabulary {@code V}; a copy model's steps return wider rows ({@code V_ext}). */
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
        int extended = config.targetVocabSize();
        for (int r = 0; r < n; r++) {
            int[] row = Objects.requireNonNull(sourceIds.get(r), "source " + r);
            if (row.length == 0) {
                throw new IllegalArgumentException("source " + r + " is empty; every source needs at least one id");
            }
            if (config.copy()) {
                extended = Math.max(extended, PointerGenerator.extendedSize(row, config.sourceVocabSize(), "source " + r));
            } else {
                checkIds(row, config.sourceVocabSize(), "source " + r);
            }
            lengths[r] = row.length;
            srcLen = Math.max(srcLen, row.length);
        }
        int[] padded = new int[n * srcLen]; // 0 = pad
        int[] copyIds = null;
        if (config.copy()) {
            copyIds = new int[n * srcLen];
            Arrays.fill(copyIds, -1); // padding never matches
        }
        for (int r = 0; r < n; r++) {
            int[] row = sourceIds.get(r);
            System.arraycopy(config.copy() ? PointerGenerator.modelIds(row, config.sourceVocabSize()) : row, 0,
                    padded, r * srcLen, lengths[r]);
            if (copyIds != null) {
                System.arraycopy(row, 0, copyIds, r * srcLen, lengths[r]);
            }
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
            Source source = new Source(sourceManager, encoded.memory(), encoded.sourceMask(), encoded.keys(),
                    copyIds, extended);
            List<CellState> state = Seq2SeqModel.perLayer(encoded.initialState()); // (n, HD) per layer
            for (CellState s : state) {
                attach(s, stateManager);
            }
            NDArray feed = config.inputFeeding()
                    ? stateManager.zeros(new Shape(n, config.decoderHiddenSize()))
                    : null;
            NDArray coverage = config.coverage() ? stateManager.zeros(new Shape(n, srcLen)) : null;
            return new State(source, stateManager, state, feed, coverage, n);
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
        Source source = state.source;
        int vocab = config.targetVocabSize();
        checkIds(previousTokens, source.extendedSize, "previousTokens");
        long[] ids = new long[previousTokens.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = previousTokens[i] >= vocab ? SpecialIds.UNK : previousTokens[i];
        }
        NDManager next = manager.newSubManager();
        try (NDManager scope = manager.newSubManager()) {
            // intermediates land in the manager of their first operand: lend the inputs to the step scope
            state.lendTo(scope);
            NDArray index = scope.create(ids); // (rows)
            NDArray embedded = targetTable.get(scope, new NDIndex("{}", index)); // (rows, E)
            DecoderStep step = model.step(ps, cells, embedded, state.layers, state.feed,
                    source.memory, source.keys, source.mask, state.coverage, false);
            NDArray logProbs = model.project(ps, step.output(), false).logSoftmax(1); // (rows, V)
            float[] lp = logProbs.toFloatArray();
            float[] attention = step.attention().toFloatArray(); // (rows, srcLen)
            int width = vocab;
            if (config.copy()) {
                int top = step.state().size() - 1;
                float[] z = model.generationLogits(ps, step.context(), step.state().get(top).h(), embedded, false)
                        .toFloatArray(); // (rows)
                lp = PointerGenerator.mix(lp, vocab, z, attention, (int) source.srcLen,
                        source.copyIds, source.extendedSize);
                width = source.extendedSize;
            }
            for (CellState s : step.state()) {
                attach(s, next);
            }
            NDArray feed = null;
            if (config.inputFeeding()) {
                feed = step.output();
                feed.attach(next);
            }
            NDArray coverage = null;
            if (state.coverage != null) {
                coverage = state.coverage.add(step.attention()); // (rows, srcLen)
                coverage.attach(next);
            }
            State nextState = new State(source.retain(), next, step.state(), feed, coverage, state.rows);
            return new StepOutput(nextState, lp, width, attention, (int) source.srcLen);
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

    /**
     * Encoder memory, mask and attention keys of a set of rows, with a copy model's extended source ids,
     * shared by the states of a step chain.
     */
    private static final class Source {
        final NDManager manager;
        final NDArray memory; // (rows, srcLen, M)
        final NDArray mask; // (rows, srcLen)
        final AttentionKeys keys;
        final int[] copyIds; // rows * srcLen extended ids, -1 at padding; null without copy
        final int extendedSize; // V_ext of the encoded batch (V without copy)
        final long srcLen;
        int references = 1;

        Source(NDManager manager, NDArray memory, NDArray mask, AttentionKeys keys, int[] copyIds, int extendedSize) {
            this.manager = manager;
            this.memory = memory;
            this.mask = mask;
            this.keys = keys;
            this.copyIds = copyIds;
            this.extendedSize = extendedSize;
            this.srcLen = memory.getShape().get(1);
        }

        /** The copy ids of the given rows, in their order; null without copy. */
        int[] selectCopyIds(int[] rowIndices) {
            if (copyIds == null) {
                return null;
            }
            int width = (int) srcLen;
            int[] out = new int[rowIndices.length * width];
            for (int i = 0; i < rowIndices.length; i++) {
                System.arraycopy(copyIds, rowIndices[i] * width, out, i * width, width);
            }
            return out;
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
        final NDArray coverage; // (rows, srcLen) with coverage, else null
        final int rows;
        boolean closed;

        State(Source source, NDManager own, List<CellState> layers, NDArray feed, NDArray coverage, int rows) {
            this.source = source;
            this.own = own;
            this.layers = layers;
            this.feed = feed;
            this.coverage = coverage;
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
            if (coverage != null) {
                arrays.add(coverage);
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
                    nextSource = new Source(sourceManager, memory, mask, keys, source.selectCopyIds(rowIndices),
                            source.extendedSize);
                }
                List<CellState> selected = new ArrayList<>(layers.size());
                for (CellState s : layers) {
                    selected.add(new CellState(s.h().get(stateManager, select),
                            s.c() == null ? null : s.c().get(stateManager, select)));
                }
                NDArray nextFeed = feed == null ? null : feed.get(stateManager, select);
                NDArray nextCoverage = coverage == null ? null : coverage.get(stateManager, select);
                idx.close();
                return new State(nextSource, stateManager, selected, nextFeed, nextCoverage, rowIndices.length);
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
