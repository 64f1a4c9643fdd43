package dev.seqtoolkit.core.decode;

import dev.seqtoolkit.core.host.HostKernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Greedy search: each row takes its most probable allowed token (the lowest id among equals), all
 * unfinished sentences stepped as one batch; finished sentences are dropped from the state with
 * {@link DecoderState#reorder}. Honours the length limits and n-gram blocking of {@link
 * BaseSearch}. The score is the raw log-probability (no length penalty).
 */
public final class GreedySearch extends BaseSearch {
    private static final HostKernels KERNELS = HostKernels.best();

    GreedySearch(Builder builder) {
        super(builder);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<List<Hypothesis>> decode(StepModel model, List<int[]> sourceIds) {
        checkSources(sourceIds);
        int n = sourceIds.size();
        List<List<Hypothesis>> results = new ArrayList<>(Collections.nCopies(n, null));
        if (n == 0) {
            return results;
        }
        int vocab = model.vocabSize();
        int[] attLen = attentionLengths(model, sourceIds);
        int[] minLen = new int[n];
        int[] maxLen = new int[n];
        int[][] tokens = new int[n][];
        double[] logProb = new double[n];
        List<List<float[]>> attention = new ArrayList<>(n);
        for (int s = 0; s < n; s++) {
            minLen[s] = minLength(sourceIds.get(s).length);
            maxLen[s] = maxLength(sourceIds.get(s).length);
            tokens[s] = EMPTY;
            attention.add(new ArrayList<>());
        }
        DecoderState state = model.encode(sourceIds);
        try {
            if (state.rows() != n) {
                throw new IllegalStateException(
                        "encode returned " + state.rows() + " rows for " + n + " sentences");
            }
            // rows of the state -> sentence; sentences with maxLength 0 never step
            int[] live = new int[n];
            int rows = 0;
            for (int s = 0; s < n; s++) {
                if (maxLen[s] == 0) {
                    results.set(s, List.of(new Hypothesis(EMPTY, 0, 0, false, null)));
                } else {
                    live[rows++] = s;
                }
            }
            live = Arrays.copyOf(live, rows);
            if (rows < n) {
                state = supersede(state, state.reorder(live.clone()));
            }
            int[] previous = new int[rows];
            Arrays.fill(previous, SpecialIds.BOS);
            while (rows > 0) {
                boolean[] eosBlocked = new boolean[rows];
                int[][] blocked = new int[rows][];
                int candidates = 1;
                for (int r = 0; r < rows; r++) {
                    int s = live[r];
                    eosBlocked[r] = tokens[s].length < minLen[s];
                    blocked[r] = blockedTokens(tokens[s], ngramSize());
                    candidates = Math.max(candidates, 1 + (eosBlocked[r] ? 1 : 0) + blocked[r].length);
                }
                StepOutput out = model.step(state, previous, candidates);
                checkOutput(out, rows, vocab);
                int[] best = new int[rows];
                float[] bestLp = new float[rows];
                if (!out.hasFullRows() && !choose(out, eosBlocked, blocked, best, bestLp)) {
                    out.nextState().close(); // a row's candidates were all disallowed: this step again, in full
                    out = model.step(state, previous);
                    checkOutput(out, rows, vocab);
                }
                state = supersede(state, out.nextState());
                if (out.hasFullRows()) {
                    float[] lp = out.logProbs();
                    int width = out.vocabSize(); // V, or a copy model's extended vocabulary
                    for (int r = 0; r < rows; r++) {
                        best[r] = bestAllowed(lp, r * width, width, eosBlocked[r], blocked[r]);
                        bestLp[r] = best[r] < 0 ? Float.NEGATIVE_INFINITY : lp[r * width + best[r]];
                    }
                }
                int[] keep = new int[rows];
                int kept = 0;
                for (int r = 0; r < rows; r++) {
                    int s = live[r];
                    if (best[r] < 0) { // nothing allowed: stop here, unfinished
                        results.set(s, List.of(hypothesis(tokens[s], logProb[s], false, attention.get(s))));
                        continue;
                    }
                    logProb[s] += bestLp[r];
                    float[] a = attentionRow(out, r, attLen[s]);
                    if (a != null) {
                        attention.get(s).add(a);
                    }
                    if (best[r] == SpecialIds.EOS) {
                        results.set(s, List.of(hypothesis(tokens[s], logProb[s], true, attention.get(s))));
                        continue;
                    }
                    tokens[s] = Arrays.copyOf(tokens[s], tokens[s].length + 1);
                    tokens[s][tokens[s].length - 1] = best[r];
                    if (tokens[s].length >= maxLen[s]) {
                        results.set(s, List.of(hypothesis(tokens[s], logProb[s], false, attention.get(s))));
                        continue;
                    }
                    previous[kept] = best[r];
                    keep[kept++] = r;
                }
                if (kept < rows) {
                    keep = Arrays.copyOf(keep, kept);
                    int[] nextLive = new int[kept];
                    for (int i = 0; i < kept; i++) {
                        nextLive[i] = live[keep[i]];
                    }
                    live = nextLive;
                    previous = Arrays.copyOf(previous, kept);
                    rows = kept;
                    state = supersede(state, kept == 0 ? null : state.reorder(keep));
                }
            }
        } finally {
            if (state != null) {
                state.close();
            }
        }
        return results;
    }

    /**
     * Picks each row's best allowed token from a step's top candidates (best first, the lower id
     * first among equals, as {@link #bestAllowed} breaks ties): the first allowed one. Returns false,
     * choosing nothing final, if some row has no allowed candidate, or a NaN among them, while its
     * candidates are not the whole vocabulary: that row needs its full distribution.
     */
    static boolean choose(StepOutput out, boolean[] eosBlocked, int[][] blocked, int[] best, float[] bestLp) {
        int k = out.candidatesPerRow();
        int[] ids = out.candidateIds();
        float[] lp = out.candidateLogProbs();
        boolean whole = k >= out.vocabSize();
        for (int r = 0; r < best.length; r++) {
            best[r] = -1;
            bestLp[r] = Float.NEGATIVE_INFINITY;
            for (int j = r * k, end = j + k; j < end; j++) {
                if (Float.isNaN(lp[j])) {
                    return false;
                }
                if (allowed(lp[j], ids[j], eosBlocked[r], blocked[r])) {
                    best[r] = ids[j];
                    bestLp[r] = lp[j];
                    break;
                }
            }
            if (best[r] < 0 && !whole) {
                return false;
            }
        }
        return true;
    }

    /**
     * The allowed token of highest log-probability in {@code lp[offset, offset + width)}, the lowest
     * id among equals, or -1 if none is allowed. The row's maximum and its first occurrence come
     * from two vectorized passes; only when that occurrence is not allowed (NaN in the row, a
     * blocked end or n-gram, an all -inf row) does the row get the token-by-token scan.
     */
    static int bestAllowed(float[] lp, int offset, int width, boolean eosBlocked, int[] blocked) {
        float max = KERNELS.max(lp, offset, width);
        if (max > Float.NEGATIVE_INFINITY) { // not NaN
            int t = KERNELS.indexOf(lp, offset, width, max);
            if (t >= 0 && allowed(max, t, eosBlocked, blocked)) {
                return t;
            }
        }
        int best = -1;
        float bestLp = Float.NEGATIVE_INFINITY;
        for (int t = 0, o = offset; t < width; t++, o++) {
            if ((best < 0 || lp[o] > bestLp) && allowed(lp[o], t, eosBlocked, blocked)) {
                best = t;
                bestLp = lp[o];
            }
        }
        return best;
    }

    private static Hypothesis hypothesis(int[] tokens, double logProb, boolean finished, List<float[]> attention) {
        float[][] a = attention.isEmpty() ? null : attention.toArray(new float[0][]);
        return new Hypothesis(tokens, logProb, logProb, finished, a);
    }

    /** Builds a {@link GreedySearch}. */
    public static final class Builder extends BaseBuilder<Builder> {
        Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /** @return the search */
        public GreedySearch build() {
            check();
            return new GreedySearch(this);
        }
    }
}
