package dev.seqtoolkit.core.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Step models for search tests. A {@link FakeState} keeps, per row, the sentence index and the
 * tokens fed so far (bos first); the model computes each row's distribution from that recorded
 * history, never from what the search believes. A search that reorders wrongly therefore produces
 * hypotheses whose log-probability differs from {@link FakeModel#rescore}. A {@link Ledger} counts
 * open states and fails on use after close or double close.
 */
final class FakeModels {

    static final int A = 4;
    static final int B = 5;
    static final int C = 6;

    private FakeModels() {}

    /** Counts states and reorders. */
    static final class Ledger {
        int open;
        int created;
        int reorders;
        int steps;
        int maxRows;
        int candidateSteps;
    }

    static final class FakeState implements DecoderState {
        final Ledger ledger;
        final int[] sentence;
        final int[][] fed;
        boolean closed;

        FakeState(Ledger ledger, int[] sentence, int[][] fed) {
            this.ledger = ledger;
            this.sentence = sentence;
            this.fed = fed;
            ledger.open++;
            ledger.created++;
            ledger.maxRows = Math.max(ledger.maxRows, sentence.length);
        }

        @Override
        public int rows() {
            check();
            return sentence.length;
        }

        @Override
        public DecoderState reorder(int[] rowIndices) {
            check();
            ledger.reorders++;
            int[] s = new int[rowIndices.length];
            int[][] f = new int[rowIndices.length][];
            for (int i = 0; i < rowIndices.length; i++) {
                int r = rowIndices[i];
                if (r < 0 || r >= sentence.length) {
                    throw new IllegalArgumentException("row " + r + " of " + sentence.length);
                }
                s[i] = sentence[r];
                f[i] = fed[r];
            }
            return new FakeState(ledger, s, f);
        }

        void check() {
            if (closed) {
                throw new IllegalStateException("state used after close");
            }
        }

        @Override
        public void close() {
            check();
            closed = true;
            ledger.open--;
        }
    }

    /** A model whose distribution is a function of the source and the tokens fed (bos first). */
    abstract static class FakeModel implements StepModel {
        final Ledger ledger = new Ledger();
        final int vocab;
        List<int[]> sources;
        int width;

        FakeModel(int vocab) {
            this.vocab = vocab;
        }

        /** Log-probabilities of the next token, {@code vocab} entries. */
        abstract float[] logProbs(int[] source, int[] fed);

        /** Attention over the source, {@code source.length} entries; null for none. */
        float[] attention(int[] source, int[] fed) {
            return null;
        }

        @Override
        public int vocabSize() {
            return vocab;
        }

        @Override
        public DecoderState encode(List<int[]> sourceIds) {
            sources = new ArrayList<>(sourceIds);
            width = sourceIds.stream().mapToInt(a -> a.length).max().orElse(0);
            int[] s = new int[sourceIds.size()];
            int[][] f = new int[s.length][];
            for (int i = 0; i < s.length; i++) {
                s[i] = i;
                f[i] = new int[0];
            }
            return new FakeState(ledger, s, f);
        }

        @Override
        public StepOutput step(DecoderState state, int[] previousTokens) {
            FakeState st = (FakeState) state;
            st.check();
            ledger.steps++;
            int rows = st.rows();
            if (previousTokens.length != rows) {
                throw new IllegalArgumentException(previousTokens.length + " tokens for " + rows + " rows");
            }
            float[] lp = new float[rows * vocab];
            float[] att = null;
            int[][] next = new int[rows][];
            for (int r = 0; r < rows; r++) {
                next[r] = Arrays.copyOf(st.fed[r], st.fed[r].length + 1);
                next[r][next[r].length - 1] = previousTokens[r];
                int[] source = sources.get(st.sentence[r]);
                System.arraycopy(logProbs(source, next[r]), 0, lp, r * vocab, vocab);
                float[] a = attention(source, next[r]);
                if (a != null) {
                    if (att == null) {
                        att = new float[rows * width];
                    }
                    System.arraycopy(a, 0, att, r * width, a.length); // padded with zeros
                }
            }
            return new StepOutput(new FakeState(ledger, st.sentence.clone(), next), lp, vocab, att, width);
        }

        /** When set, {@link #step(DecoderState, int[], int)} returns top candidates as ONNX TopK orders them. */
        boolean candidates;

        @Override
        public StepOutput step(DecoderState state, int[] previousTokens, int k) {
            StepOutput full = step(state, previousTokens);
            if (!candidates) {
                return full;
            }
            ledger.candidateSteps++;
            int rows = full.rows();
            int kk = Math.min(k, vocab);
            int[] ids = new int[rows * kk];
            float[] lps = new float[rows * kk];
            float[] lp = full.logProbs();
            for (int r = 0; r < rows; r++) {
                final int row = r;
                Integer[] order = new Integer[vocab];
                for (int t = 0; t < vocab; t++) {
                    order[t] = t;
                }
                // best first, the lower id first among equals; NaN sorts as the largest
                Arrays.sort(order, (a, b) -> {
                    int c = Float.compare(lp[row * vocab + b], lp[row * vocab + a]);
                    return c != 0 ? c : Integer.compare(a, b);
                });
                for (int j = 0; j < kk; j++) {
                    ids[r * kk + j] = order[j];
                    lps[r * kk + j] = lp[r * vocab + order[j]];
                }
            }
            return StepOutput.candidates(full.nextState(), ids, lps, kk, vocab, full.attention(), full.attentionWidth());
        }

        /** The log-probability of a hypothesis computed alone, summed in decoding order. */
        double rescore(int[] source, Hypothesis h) {
            double sum = 0;
            int[] fed = {SpecialIds.BOS};
            for (int i = 0; i < h.steps(); i++) {
                int token = i < h.tokens().length ? h.tokens()[i] : SpecialIds.EOS;
                sum += logProbs(source, fed)[token];
                fed = Arrays.copyOf(fed, fed.length + 1);
                fed[fed.length - 1] = token;
            }
            return sum;
        }

        /** The attention of a hypothesis computed alone. */
        float[][] reattend(int[] source, Hypothesis h) {
            float[][] out = new float[h.steps()][];
            int[] fed = {SpecialIds.BOS};
            for (int i = 0; i < h.steps(); i++) {
                out[i] = attention(source, fed);
                int token = i < h.tokens().length ? h.tokens()[i] : SpecialIds.EOS;
                fed = Arrays.copyOf(fed, fed.length + 1);
                fed[fed.length - 1] = token;
            }
            return out;
        }
    }

    /** Seeded pseudo-random distributions and attention from (source, history); pad and bos -inf. */
    static class RandomModel extends FakeModel {
        final long seed;

        RandomModel(int vocab, long seed) {
            super(vocab);
            this.seed = seed;
        }

        long hash(int[] source, int[] fed) {
            long h = seed * 0x9E3779B97F4A7C15L;
            for (int x : source) {
                h = h * 31 + x;
            }
            h = h * 1_000_003;
            for (int x : fed) {
                h = h * 31 + x;
            }
            return h;
        }

        @Override
        float[] logProbs(int[] source, int[] fed) {
            Random r = new Random(hash(source, fed));
            double[] logits = new double[vocab];
            for (int t = 0; t < vocab; t++) {
                logits[t] = 2 * r.nextGaussian();
            }
            logits[SpecialIds.EOS] += 0.6 * fed.length - 2; // sentences end, later rather than sooner
            logits[SpecialIds.PAD] = Double.NEGATIVE_INFINITY;
            logits[SpecialIds.BOS] = Double.NEGATIVE_INFINITY;
            return logSoftmax(logits);
        }

        @Override
        float[] attention(int[] source, int[] fed) {
            Random r = new Random(~hash(source, fed));
            double[] x = new double[source.length];
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.exp(r.nextGaussian());
                sum += x[i];
            }
            float[] a = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                a[i] = (float) (x[i] / sum);
            }
            return a;
        }
    }

    /** Distributions written by hand as a function of the generated tokens (bos excluded). */
    interface Table {
        float[] next(int[] generated);
    }

    static final class TableModel extends FakeModel {
        final Table table;

        TableModel(Table table) {
            super(7);
            this.table = table;
        }

        @Override
        float[] logProbs(int[] source, int[] fed) {
            return table.next(Arrays.copyOfRange(fed, 1, fed.length));
        }
    }

    /** log-probabilities from (token, probability) pairs; unlisted tokens get -inf. */
    static float[] p(Object... pairs) {
        float[] lp = new float[7];
        Arrays.fill(lp, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < pairs.length; i += 2) {
            lp[(Integer) pairs[i]] = lf(((Number) pairs[i + 1]).doubleValue());
        }
        return lp;
    }

    /** The float log-probability the fake model gives for probability {@code p}. */
    static float lf(double p) {
        return (float) Math.log(p);
    }

    /** Sums float log-probabilities in order, as a search does. */
    static double sum(double... probabilities) {
        double s = 0;
        for (double p : probabilities) {
            s += lf(p);
        }
        return s;
    }

    static float[] logSoftmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double z = 0;
        for (double l : logits) {
            z += Math.exp(l - max);
        }
        double log = max + Math.log(z);
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) (logits[i] - log);
        }
        return out;
    }

    static List<int[]> sources(long seed, int... lengths) {
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int len : lengths) {
            int[] s = new int[len];
            for (int i = 0; i < len; i++) {
                s[i] = 4 + r.nextInt(20);
            }
            out.add(s);
        }
        return out;
    }

    static boolean hasRepeatedNgram(int[] tokens, int n) {
        for (int i = 0; i + n <= tokens.length; i++) {
            for (int j = i + 1; j + n <= tokens.length; j++) {
                if (Arrays.equals(tokens, i, i + n, tokens, j, j + n)) {
                    return true;
                }
            }
        }
        return false;
    }
}
