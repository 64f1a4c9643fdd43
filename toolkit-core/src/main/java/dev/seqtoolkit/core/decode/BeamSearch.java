package dev.seqtoolkit.core.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search batched over sentences: the live beams of every unfinished sentence are stepped as
 * one batch, and one {@link DecoderState#reorder} per step expands, reorders and drops rows.
 *
 * <p>Each step, for each sentence, the candidates (live beam, token) are ranked by raw
 * log-probability (ties: earlier beam, then lower token id). Walking the ranking, an eos candidate
 * among the first {@code beamSize} ranks ends a hypothesis; non-eos candidates fill the {@code
 * beamSize} live beams (a beam that reaches the maximum length ends there, unfinished, and still
 * takes its slot). A sentence is done once it holds {@code beamSize} ended hypotheses or has no live
 * beam left. Ended hypotheses are ranked by their score {@code logProb / lp(steps)} with the GNMT
 * length penalty {@code lp(n) = ((5 + n) / 6)^alpha}, {@code n} counting eos; the first {@code
 * nBest} are returned. With beam size 1 and alpha 0 this is exactly {@link GreedySearch}.
 *
 * <p>Stopping. By default ({@link Builder#optEarlyStop early stop}) a sentence is done as soon as it
 * holds {@code beamSize} ended hypotheses, which may leave a live beam that would have scored far
 * better: a confident model ranks eos (and other poor tokens) among the first {@code beamSize}
 * candidates of a small vocabulary, so short, poor hypotheses can end first. Without early stop a
 * sentence also needs that no live beam can still beat its {@code nBest}-th best ended hypothesis:
 * a live beam's score can at best be its log-probability so far divided by the length penalty of
 * the longest allowed output ({@code maxLength + 1} steps), an exact bound since log-probabilities
 * only fall.
 */
public final class BeamSearch extends BaseSearch {

    private final int beamSize;
    private final int nBest;
    private final double alpha;
    private final boolean earlyStop;

    BeamSearch(Builder builder) {
        super(builder);
        this.beamSize = builder.beamSize;
        this.nBest = builder.nBest < 0 ? builder.beamSize : builder.nBest;
        this.alpha = builder.alpha;
        this.earlyStop = builder.earlyStop;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the beam size */
    public int beamSize() {
        return beamSize;
    }

    /** @return how many hypotheses are returned per sentence at most */
    public int nBest() {
        return nBest;
    }

    /** @return the length penalty exponent */
    public double lengthPenaltyAlpha() {
        return alpha;
    }

    /** @return true if a sentence stops once it holds {@code beamSize} ended hypotheses */
    public boolean earlyStop() {
        return earlyStop;
    }

    /** @return the GNMT length penalty {@code ((5 + steps) / 6)^alpha} */
    public double lengthPenalty(int steps) {
        return alpha == 0 ? 1.0 : Math.pow((5.0 + steps) / 6.0, alpha);
    }

    /** A live hypothesis; its row in the state is its index in the live list. */
    private static final class Beam {
        final int sentence;
        final int[] tokens;
        final double logProb;
        final float[][] attention;

        Beam(int sentence, int[] tokens, double logProb, float[][] attention) {
            this.sentence = sentence;
            this.tokens = tokens;
            this.logProb = logProb;
            this.attention = attention;
        }
    }

    @Override
    public List<List<Hypothesis>> decode(StepModel model, List<int[]> sourceIds) {
        checkSources(sourceIds);
        int n = sourceIds.size();
        List<List<Hypothesis>> finished = new ArrayList<>(n);
        for (int s = 0; s < n; s++) {
            finished.add(new ArrayList<>());
        }
        if (n == 0) {
            return finished;
        }
        int vocab = model.vocabSize();
        int[] attLen = attentionLengths(model, sourceIds);
        int[] minLen = new int[n];
        int[] maxLen = new int[n];
        for (int s = 0; s < n; s++) {
            minLen[s] = minLength(sourceIds.get(s).length);
            maxLen[s] = maxLength(sourceIds.get(s).length);
        }
        DecoderState state = model.encode(sourceIds);
        try {
            if (state.rows() != n) {
                throw new IllegalStateException(
                        "encode returned " + state.rows() + " rows for " + n + " sentences");
            }
            List<Beam> live = new ArrayList<>();
            int[] rowsToKeep = new int[n];
            for (int s = 0; s < n; s++) {
                if (maxLen[s] == 0) {
                    finished.get(s).add(new Hypothesis(EMPTY, 0, 0, false, null));
                } else {
                    rowsToKeep[live.size()] = s;
                    live.add(new Beam(s, EMPTY, 0, null));
                }
            }
            if (live.size() < n) {
                int[] keep = Arrays.copyOf(rowsToKeep, live.size());
                state = supersede(state, live.isEmpty() ? null : state.reorder(keep));
            }
            Candidates candidates = new Candidates();
            while (!live.isEmpty()) {
                int rows = live.size();
                int[] previous = new int[rows];
                for (int r = 0; r < rows; r++) {
                    int[] t = live.get(r).tokens;
                    previous[r] = t.length == 0 ? SpecialIds.BOS : t[t.length - 1];
                }
                boolean[] eosBlocked = new boolean[rows];
                int[][] blocked = new int[rows][];
                int wanted = 0;
                for (int r = 0; r < rows; r++) {
                    Beam b = live.get(r);
                    eosBlocked[r] = b.tokens.length < minLen[b.sentence];
                    blocked[r] = blockedTokens(b.tokens, ngramSize());
                    wanted = Math.max(wanted, perRow() + (eosBlocked[r] ? 1 : 0) + blocked[r].length);
                }
                StepOutput out = model.step(state, previous, wanted);
                checkOutput(out, rows, vocab);
                if (!out.hasFullRows() && !candidatesSuffice(out, eosBlocked, blocked, perRow())) {
                    out.nextState().close(); // some row may need tokens outside its candidates: this step in full
                    out = model.step(state, previous);
                    checkOutput(out, rows, vocab);
                }
                state = supersede(state, out.nextState());
                List<Beam> next = new ArrayList<>();
                List<Integer> parents = new ArrayList<>();
                int from = 0;
                while (from < rows) {
                    int s = live.get(from).sentence;
                    int to = from;
                    while (to < rows && live.get(to).sentence == s) {
                        to++;
                    }
                    advance(s, live, from, to, out, candidates, eosBlocked, blocked, maxLen[s], attLen[s],
                            finished.get(s), next, parents);
                    from = to;
                }
                live = next;
                int[] order = parents.stream().mapToInt(Integer::intValue).toArray();
                if (!isIdentity(order, rows)) {
                    state = supersede(state, order.length == 0 ? null : state.reorder(order));
                }
            }
        } finally {
            if (state != null) {
                state.close();
            }
        }
        List<List<Hypothesis>> results = new ArrayList<>(n);
        for (List<Hypothesis> list : finished) {
            list.sort(Comparator.comparingDouble(Hypothesis::score).reversed()); // stable
            results.add(Collections.unmodifiableList(new ArrayList<>(list.subList(0, Math.min(nBest, list.size())))));
        }
        return results;
    }

    /** Tokens kept per row: enough, since at most one eos per row can precede its K non-eos. */
    private int perRow() {
        return beamSize + 1;
    }

    /**
     * Whether each row's candidates (best first) certainly hold its {@code needed} best allowed
     * tokens: they hold that many allowed ones, or all of the vocabulary, or end in a -inf (so every
     * finite token is among them). A NaN among them means no.
     */
    static boolean candidatesSuffice(StepOutput out, boolean[] eosBlocked, int[][] blocked, int needed) {
        int k = out.candidatesPerRow();
        if (k >= out.vocabSize()) {
            return true;
        }
        int[] ids = out.candidateIds();
        float[] lp = out.candidateLogProbs();
        for (int r = 0; r < eosBlocked.length; r++) {
            int allowedCount = 0;
            for (int j = r * k, end = j + k; j < end; j++) {
                if (Float.isNaN(lp[j])) {
                    return false;
                }
                if (allowed(lp[j], ids[j], eosBlocked[r], blocked[r])) {
                    allowedCount++;
                }
            }
            if (allowedCount < needed && lp[r * k + k - 1] != Float.NEGATIVE_INFINITY) {
                return false;
            }
        }
        return true;
    }

    /** One step of one sentence: its live beams are rows {@code [from, to)}. */
    private void advance(
            int s,
            List<Beam> live,
            int from,
            int to,
            StepOutput out,
            Candidates c,
            boolean[] eosBlocked,
            int[][] blocked,
            int maxLen,
            int attLen,
            List<Hypothesis> done,
            List<Beam> next,
            List<Integer> parents) {
        int perRow = perRow();
        c.reset((to - from) * perRow);
        for (int r = from; r < to; r++) {
            Beam b = live.get(r);
            c.beginRow();
            if (out.hasFullRows()) {
                float[] lp = out.logProbs();
                int vocab = out.vocabSize();
                for (int t = 0, o = r * vocab; t < vocab; t++, o++) {
                    if (allowed(lp[o], t, eosBlocked[r], blocked[r])) {
                        c.offer(perRow, r, t, b.logProb + lp[o]);
                    }
                }
            } else { // best first, the lower id first among equals: the scan's order among equal scores
                int k = out.candidatesPerRow();
                int[] ids = out.candidateIds();
                float[] lp = out.candidateLogProbs();
                for (int j = r * k, end = j + k; j < end; j++) {
                    if (allowed(lp[j], ids[j], eosBlocked[r], blocked[r])) {
                        c.offer(perRow, r, ids[j], b.logProb + lp[j]);
                    }
                }
            }
            c.endRow();
        }
        int[] order = c.sorted();
        int taken = 0;
        int firstNew = next.size();
        for (int i = 0; i < order.length; i++) {
            int k = order[i];
            Beam parent = live.get(c.row[k]);
            int token = c.token[k];
            if (token == SpecialIds.EOS) {
                if (i < beamSize) {
                    float[][] att = extend(parent.attention, attentionRow(out, c.row[k], attLen));
                    done.add(ended(parent.tokens, c.score[k], true, att));
                }
            } else if (taken < beamSize) {
                int[] tokens = Arrays.copyOf(parent.tokens, parent.tokens.length + 1);
                tokens[tokens.length - 1] = token;
                float[][] att = extend(parent.attention, attentionRow(out, c.row[k], attLen));
                taken++;
                if (tokens.length >= maxLen) {
                    done.add(ended(tokens, c.score[k], false, att));
                } else {
                    next.add(new Beam(s, tokens, c.score[k], att));
                    parents.add(c.row[k]);
                }
            }
            if (taken >= beamSize && i >= beamSize - 1) {
                break;
            }
        }
        if (order.length == 0 && done.isEmpty()) {
            // no allowed token at all: the live beams stop here, unfinished
            for (int r = from; r < to; r++) {
                Beam b = live.get(r);
                done.add(ended(b.tokens, b.logProb, false, b.attention));
            }
        }
        if (done.size() >= beamSize && (earlyStop || !liveBeamCanWin(next, firstNew, done, maxLen))) {
            // the sentence is done: its new live beams are dropped
            while (next.size() > firstNew) {
                next.remove(next.size() - 1);
                parents.remove(parents.size() - 1);
            }
        }
    }

    /**
     * True if a live beam of this sentence ({@code next} from {@code firstNew}) could still end with a
     * score above the {@code nBest}-th best ended hypothesis.
     */
    private boolean liveBeamCanWin(List<Beam> next, int firstNew, List<Hypothesis> done, int maxLen) {
        if (next.size() == firstNew) {
            return false;
        }
        double[] scores = new double[done.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = done.get(i).score();
        }
        Arrays.sort(scores);
        double bar = scores[scores.length - Math.min(nBest, scores.length)]; // the nBest-th best
        double longest = lengthPenalty(maxLen + 1);
        for (int i = firstNew; i < next.size(); i++) {
            double logProb = next.get(i).logProb;
            if (logProb / longest > bar) { // logProb <= 0: the largest penalty gives the best reachable score
                return true;
            }
        }
        return false;
    }

    private Hypothesis ended(int[] tokens, double logProb, boolean finished, float[][] attention) {
        int steps = tokens.length + (finished ? 1 : 0);
        return new Hypothesis(tokens, logProb / lengthPenalty(steps), logProb, finished, attention);
    }

    private static float[][] extend(float[][] attention, float[] row) {
        if (row == null) {
            return attention;
        }
        if (attention == null) {
            return new float[][] {row};
        }
        float[][] a = Arrays.copyOf(attention, attention.length + 1);
        a[a.length - 1] = row;
        return a;
    }

    /**
     * Candidate buffer reused across sentences and steps: per row, the best allowed tokens kept
     * sorted by (score desc, token asc) in a slot of fixed width; then all sorted together by
     * (score desc, row asc, token asc).
     */
    private static final class Candidates {
        int[] row = new int[0];
        int[] token = new int[0];
        double[] score = new double[0];
        int size;
        int rowStart;
        int rowCount;

        void reset(int capacity) {
            if (row.length < capacity) {
                row = new int[capacity];
                token = new int[capacity];
                score = new double[capacity];
            }
            size = 0;
            rowStart = 0;
            rowCount = 0;
        }

        /** Starts the slot of a new row at the current end. */
        void beginRow() {
            rowStart = size;
            rowCount = 0;
        }

        /** Offers a token of the current row to its slot of {@code width} entries. */
        void offer(int width, int r, int t, double sc) {
            int base = rowStart;
            if (rowCount == width && !(sc > score[base + width - 1])) {
                return; // not better than the worst kept (ties keep the lower token id)
            }
            int pos = rowCount < width ? rowCount : width - 1; // when full, the worst is dropped
            while (pos > 0 && score[base + pos - 1] < sc) {
                row[base + pos] = row[base + pos - 1];
                token[base + pos] = token[base + pos - 1];
                score[base + pos] = score[base + pos - 1];
                pos--;
            }
            row[base + pos] = r;
            token[base + pos] = t;
            score[base + pos] = sc;
            if (rowCount < width) {
                rowCount++;
            }
        }

        /** Closes the current row's slot. */
        void endRow() {
            size = rowStart + rowCount;
        }

        /** Indices of the kept candidates, best first. */
        int[] sorted() {
            Integer[] idx = new Integer[size];
            for (int i = 0; i < size; i++) {
                idx[i] = i;
            }
            Arrays.sort(idx, (a, b) -> {
                int cmp = Double.compare(score[b], score[a]);
                if (cmp != 0) {
                    return cmp;
                }
                cmp = Integer.compare(row[a], row[b]);
                return cmp != 0 ? cmp : Integer.compare(token[a], token[b]);
            });
            int[] out = new int[size];
            for (int i = 0; i < size; i++) {
                out[i] = idx[i];
            }
            return out;
        }
    }

    /** Builds a {@link BeamSearch}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private int beamSize = 5;
        private int nBest = -1;
        private double alpha;
        private boolean earlyStop = true;

        Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * @param beamSize the number of live hypotheses per sentence; default 5
         * @return this builder
         */
        public Builder optBeamSize(int beamSize) {
            this.beamSize = beamSize;
            return this;
        }

        /**
         * @param nBest the number of hypotheses returned per sentence, at most the beam size; default
         *     the beam size
         * @return this builder
         */
        public Builder optNBest(int nBest) {
            this.nBest = nBest;
            return this;
        }

        /**
         * @param alpha the GNMT length penalty exponent; default 0 (no penalty)
         * @return this builder
         */
        public Builder optLengthPenalty(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /**
         * @param earlyStop true (default) to stop a sentence once it holds {@code beamSize} ended
         *     hypotheses; false to go on while a live beam can still beat the {@code nBest}-th best
         *     of them (see the class comment)
         * @return this builder
         */
        public Builder optEarlyStop(boolean earlyStop) {
            this.earlyStop = earlyStop;
            return this;
        }

        /** @return the search */
        public BeamSearch build() {
            check();
            if (beamSize < 1) {
                throw new IllegalArgumentException("beam size must be >= 1, got " + beamSize);
            }
            if (nBest != -1 && (nBest < 1 || nBest > beamSize)) {
                throw new IllegalArgumentException(
                        "n-best must be in [1, beam size " + beamSize + "], got " + nBest);
            }
            if (!(alpha >= 0) || Double.isInfinite(alpha)) {
                throw new IllegalArgumentException("length penalty alpha must be finite and >= 0, got " + alpha);
            }
            return new BeamSearch(this);
        }
    }
}
