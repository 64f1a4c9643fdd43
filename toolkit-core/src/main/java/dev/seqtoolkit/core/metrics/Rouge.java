package dev.seqtoolkit.core.metrics;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ROUGE-N and ROUGE-L (Lin, 2004) with the conventions of ROUGE-1.5.5 as run in the summarisation
 * literature ({@code -m}, no stop-word removal) and reproduced by Google's rouge-score:
 *
 * <ul>
 *   <li>Tokenisation: lowercase, every run of characters other than {@code a-z0-9} becomes a space
 *       (so non-ASCII letters are dropped), split on spaces.
 *   <li>Stemming (on by default): Porter stemmer on tokens longer than 3 characters.
 *   <li>ROUGE-N: clipped n-gram overlap over the whole summary (sentences concatenated); precision =
 *       overlap / candidate n-grams, recall = overlap / reference n-grams.
 *   <li>ROUGE-Lsum (summary-level ROUGE-L, "ROUGE-L" of ROUGE-1.5.5 on sentence-split input): for
 *       each reference sentence, the union of its LCS tokens with every candidate sentence; hits
 *       are counted at most as often as the token occurs in the reference and in the candidate
 *       summaries (ROUGE-1.5.5's guard against double counting); P = hits / candidate tokens, R =
 *       hits / reference tokens.
 *   <li>Sentence-level ROUGE-L: LCS of two token sequences, for single-sentence summaries.
 *   <li>F = 2PR / (P + R) (ROUGE-1.5.5 with alpha 0.5), 0 if P + R = 0; all scores in [0, 1].
 * </ul>
 *
 * <p>When an LCS is not unique, one is read back from the dynamic-programming table preferring a
 * match, then a step along the candidate when that keeps a strictly longer LCS, else a step along
 * the reference (rouge-score's choice); this can matter for the union LCS.
 *
 * <p>Over several documents, {@link #corpusMean} averages the per-document precision, recall and F
 * separately (the mean of per-document F, not the F of mean P and R), as ROUGE-1.5.5 and
 * rouge-score's aggregator report.
 */
public final class Rouge {

    private final boolean stemming;

    Rouge(Builder b) {
        this.stemming = b.stemming;
    }

    /** Returns a builder (stemming on by default). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Tokenises text the ROUGE-1.5.5 way.
     *
     * @param text any text
     * @return lowercase alphanumeric tokens, stemmed if stemming is on
     */
    public List<String> tokenize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i <= lower.length(); i++) {
            char ch = i < lower.length() ? lower.charAt(i) : ' ';
            if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
                current.append(ch);
            } else if (current.length() > 0) {
                String tok = current.toString();
                tokens.add(stemming && tok.length() > 3 ? PorterStemming.stem(tok) : tok);
                current.setLength(0);
            }
        }
        return tokens;
    }

    /**
     * ROUGE-1, ROUGE-2 and summary-level ROUGE-L of one document.
     *
     * @param candidate the candidate summary, one string per sentence
     * @param reference the reference summary, one string per sentence
     * @return the three scores
     */
    public Scores score(List<String> candidate, List<String> reference) {
        return new Scores(
                rougeN(candidate, reference, 1),
                rougeN(candidate, reference, 2),
                rougeLsum(candidate, reference));
    }

    /**
     * Mean of per-document scores over a corpus.
     *
     * @param candidates per document, its candidate sentences
     * @param references per document, its reference sentences
     * @return the mean precision, recall and F of each measure
     * @throws IllegalArgumentException if the document counts differ or are zero
     */
    public Scores corpusMean(List<? extends List<String>> candidates, List<? extends List<String>> references) {
        if (candidates.size() != references.size()) {
            throw new IllegalArgumentException(
                    "candidate and reference document counts differ: "
                            + candidates.size()
                            + " candidates vs "
                            + references.size()
                            + " references");
        }
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no documents given");
        }
        double[] sums = new double[9];
        for (int d = 0; d < candidates.size(); d++) {
            Scores s = score(candidates.get(d), references.get(d));
            Score[] parts = {s.rouge1(), s.rouge2(), s.rougeLsum()};
            for (int k = 0; k < 3; k++) {
                sums[3 * k] += parts[k].precision();
                sums[3 * k + 1] += parts[k].recall();
                sums[3 * k + 2] += parts[k].f1();
            }
        }
        int n = candidates.size();
        return new Scores(
                new Score(sums[0] / n, sums[1] / n, sums[2] / n),
                new Score(sums[3] / n, sums[4] / n, sums[5] / n),
                new Score(sums[6] / n, sums[7] / n, sums[8] / n));
    }

    /**
     * ROUGE-N over whole summaries.
     *
     * @param candidate candidate sentences
     * @param reference reference sentences
     * @param n the n-gram order, {@code >= 1}
     * @return precision, recall and F
     */
    public Score rougeN(List<String> candidate, List<String> reference, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("ROUGE-N needs n >= 1 but got " + n);
        }
        Map<List<String>, Integer> cand = ngrams(tokenizeAll(candidate), n);
        Map<List<String>, Integer> ref = ngrams(tokenizeAll(reference), n);
        long overlap = 0;
        for (Map.Entry<List<String>, Integer> e : ref.entrySet()) {
            overlap += Math.min(e.getValue(), cand.getOrDefault(e.getKey(), 0));
        }
        long candCount = cand.values().stream().mapToLong(Integer::longValue).sum();
        long refCount = ref.values().stream().mapToLong(Integer::longValue).sum();
        return Score.of((double) overlap / Math.max(candCount, 1), (double) overlap / Math.max(refCount, 1));
    }

    /**
     * Sentence-level ROUGE-L: LCS over the tokens of two single texts (e.g. headlines).
     *
     * @param candidate the candidate text
     * @param reference the reference text
     * @return precision = LCS / candidate tokens, recall = LCS / reference tokens, and F
     */
    public Score sentenceRougeL(String candidate, String reference) {
        List<String> c = tokenize(candidate);
        List<String> r = tokenize(reference);
        if (c.isEmpty() || r.isEmpty()) {
            return new Score(0, 0, 0);
        }
        int lcs = lcsTable(r, c)[r.size()][c.size()];
        return Score.of((double) lcs / c.size(), (double) lcs / r.size());
    }

    /**
     * Summary-level ROUGE-L (ROUGE-Lsum) with union LCS over sentences.
     *
     * @param candidate candidate sentences
     * @param reference reference sentences
     * @return precision, recall and F
     */
    public Score rougeLsum(List<String> candidate, List<String> reference) {
        List<List<String>> cand = new ArrayList<>();
        List<List<String>> ref = new ArrayList<>();
        Map<String, Integer> candLeft = new HashMap<>();
        Map<String, Integer> refLeft = new HashMap<>();
        long candTokens = 0;
        long refTokens = 0;
        for (String s : candidate) {
            List<String> t = tokenize(s);
            cand.add(t);
            candTokens += t.size();
            t.forEach(w -> candLeft.merge(w, 1, Integer::sum));
        }
        for (String s : reference) {
            List<String> t = tokenize(s);
            ref.add(t);
            refTokens += t.size();
            t.forEach(w -> refLeft.merge(w, 1, Integer::sum));
        }
        if (candTokens == 0 || refTokens == 0) {
            return new Score(0, 0, 0);
        }
        long hits = 0;
        for (List<String> r : ref) {
            BitSet union = new BitSet(r.size());
            for (List<String> c : cand) {
                union.or(lcsPositions(r, c));
            }
            for (int i = union.nextSetBit(0); i >= 0; i = union.nextSetBit(i + 1)) {
                String w = r.get(i);
                if (candLeft.getOrDefault(w, 0) > 0 && refLeft.getOrDefault(w, 0) > 0) {
                    hits++;
                    candLeft.merge(w, -1, Integer::sum);
                    refLeft.merge(w, -1, Integer::sum);
                }
            }
        }
        return Score.of((double) hits / candTokens, (double) hits / refTokens);
    }

    private List<String> tokenizeAll(List<String> sentences) {
        List<String> all = new ArrayList<>();
        for (String s : sentences) {
            all.addAll(tokenize(s));
        }
        return all;
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return counts;
    }

    /** LCS length table, shape {@code (ref.size() + 1, cand.size() + 1)}. */
    private static int[][] lcsTable(List<String> ref, List<String> cand) {
        int[][] t = new int[ref.size() + 1][cand.size() + 1];
        for (int i = 1; i <= ref.size(); i++) {
            for (int j = 1; j <= cand.size(); j++) {
                t[i][j] = ref.get(i - 1).equals(cand.get(j - 1))
                        ? t[i - 1][j - 1] + 1
                        : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        return t;
    }

    /** Positions in {@code ref} of one LCS between {@code ref} and {@code cand}. */
    static BitSet lcsPositions(List<String> ref, List<String> cand) {
        int[][] t = lcsTable(ref, cand);
        BitSet positions = new BitSet(ref.size());
        int i = ref.size();
        int j = cand.size();
        while (i > 0 && j > 0) {
            if (ref.get(i - 1).equals(cand.get(j - 1))) {
                positions.set(i - 1);
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        return positions;
    }

    /**
     * Precision, recall and F1 of one ROUGE measure, each in [0, 1].
     *
     * @param precision matches / candidate units
     * @param recall matches / reference units
     * @param f1 2PR / (P + R), 0 if P + R = 0
     */
    public record Score(double precision, double recall, double f1) {
        static Score of(double p, double r) {
            return new Score(p, r, p + r == 0 ? 0.0 : 2 * p * r / (p + r));
        }
    }

    /**
     * ROUGE-1, ROUGE-2 and summary-level ROUGE-L of a document or a corpus mean.
     *
     * @param rouge1 unigram scores
     * @param rouge2 bigram scores
     * @param rougeLsum summary-level LCS scores
     */
    public record Scores(Score rouge1, Score rouge2, Score rougeLsum) {}

    /** Builder for {@link Rouge}. */
    public static final class Builder {
        private boolean stemming = true;

        Builder() {}

        /** Turns Porter stemming on or off (default on, ROUGE-1.5.5's {@code -m}). */
        public Builder optStemming(boolean stemming) {
            this.stemming = stemming;
            return this;
        }

        /** Builds the metric. */
        public Rouge build() {
            return new Rouge(this);
        }
    }
}
