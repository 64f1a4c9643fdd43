package dev.seqtoolkit.translate;

import dev.seqtoolkit.core.decode.DecoderState;
import dev.seqtoolkit.core.decode.StepModel;
import dev.seqtoolkit.core.decode.StepOutput;
import dev.seqtoolkit.core.text.Vocabulary;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateless fake translation model: at step {@code t} it gives the target id that has the same
 * string as source subword {@code t} probability {@code 0.7} (or {@code <unk>} when the target
 * vocabulary lacks it), and {@code <eos>} probability 0.9 once the source is used up; the rest is
 * spread evenly, except that {@code <eos>} gets only {@code 1e-6} before the source is used up. Attention is one-hot on source position {@code min(t, len - 1)}. Everything lives
 * in the state; counters record calls, open states and the most calls ever running at once (a
 * translator must never use one step model from two threads at once).
 */
final class CopyModel implements StepModel {
    final int[] map;
    final int vocab;
    final AtomicInteger encodes = new AtomicInteger();
    final AtomicInteger openStates = new AtomicInteger();
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger maxActive = new AtomicInteger();

    CopyModel(Vocabulary source, Vocabulary target) {
        this.vocab = target.size();
        this.map = new int[source.size()];
        for (int i = 0; i < map.length; i++) {
            map[i] = target.index(source.token(i));
        }
    }

    final class State implements DecoderState {
        final int[][] sources;
        final int[] positions;
        boolean closed;

        State(int[][] sources, int[] positions) {
            this.sources = sources;
            this.positions = positions;
            openStates.incrementAndGet();
        }

        @Override
        public int rows() {
            return sources.length;
        }

        @Override
        public DecoderState reorder(int[] rows) {
            int[][] s = new int[rows.length][];
            int[] p = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                s[i] = sources[rows[i]];
                p[i] = positions[rows[i]];
            }
            return new State(s, p);
        }

        @Override
        public void close() {
            if (closed) {
                throw new IllegalStateException("closed twice");
            }
            closed = true;
            openStates.decrementAndGet();
        }
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public DecoderState encode(List<int[]> sourceIds) {
        enter();
        try {
            encodes.incrementAndGet();
            return new State(sourceIds.toArray(new int[0][]), new int[sourceIds.size()]);
        } finally {
            active.decrementAndGet();
        }
    }

    private void enter() {
        maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
        Thread.yield(); // widen the window in which an overlapping call would be seen
    }

    @Override
    public StepOutput step(DecoderState state, int[] previous) {
        enter();
        try {
            return stepInside(state);
        } finally {
            active.decrementAndGet();
        }
    }

    private StepOutput stepInside(DecoderState state) {
        State s = (State) state;
        if (s.closed) {
            throw new IllegalStateException("state used after close");
        }
        int rows = s.rows();
        int width = Arrays.stream(s.sources).mapToInt(a -> a.length).max().orElse(0);
        float[] lp = new float[rows * vocab];
        float[] att = new float[rows * width];
        int[] next = new int[rows];
        for (int r = 0; r < rows; r++) {
            int[] src = s.sources[r];
            int t = s.positions[r];
            int best = t < src.length ? map[src[t]] : Vocabulary.EOS_ID;
            double p = t < src.length ? 0.7 : 0.9;
            float rest = (float) Math.log((1 - p) / (vocab - 3)); // pad and bos get nothing
            for (int v = 0; v < vocab; v++) {
                lp[r * vocab + v] = v == Vocabulary.PAD_ID || v == Vocabulary.BOS_ID ? Float.NEGATIVE_INFINITY : rest;
            }
            lp[r * vocab + best] = (float) Math.log(p);
            if (t < src.length) {
                lp[r * vocab + Vocabulary.EOS_ID] = (float) Math.log(1e-6);
            }
            att[r * width + Math.min(t, src.length - 1)] = 1f;
            next[r] = t + 1;
        }
        return new StepOutput(new State(s.sources, next), lp, vocab, att, width);
    }
}
