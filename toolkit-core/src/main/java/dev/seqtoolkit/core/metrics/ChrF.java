package dev.seqtoolkit.core.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * chrF (Popović 2015) and chrF++ (Popović 2017) exactly as sacreBLEU 2.x computes them.
 *
 * <p>Defaults: character n-grams of orders 1..6 over the segment with all whitespace removed, no
 * word n-grams (set word order 2 for chrF++), beta 2, cased. For each segment and order the counts
 * (hypothesis n-grams, reference n-grams, clipped matches) are taken against the reference whose
 * segment-level score is highest; these counts are summed over the corpus. Then, per order,
 * precision = matches / hypothesis n-grams and recall = matches / reference n-grams; precision and
 * recall are each averaged over the orders where both the hypothesis and the reference have
 * n-grams (sacreBLEU's "effective order", its default), and the score is {@code 100 * (1 + β²) P R
 * / (β² P + R)} of those averages (0 if both are 0). With {@code optEpsSmoothing(true)} the score is
 * instead the mean over all orders of per-order F-scores, with 1e-16 standing in for undefined
 * values (chrF++.py, NLTK and Moses style).
 *
 * <p>For word n-grams, words are split on whitespace and one punctuation character is split off the
 * end of a word, or else off its start (sacreBLEU's rule; {@code "(hi)"} becomes {@code "(hi"} and
 * {@code ")"}).
 */
public final class ChrF {

    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final double EPS = 1e-16;

    private final int charOrder;
    private final int wordOrder;
    private final double beta;
    private final boolean lowercase;
    private final boolean whitespace;
    private final boolean epsSmoothing;

    ChrF(Builder b) {
        this.charOrder = b.charOrder;
        this.wordOrder = b.wordOrder;
        this.beta = b.beta;
        this.lowercase = b.lowercase;
        this.whitespace = b.whitespace;
        this.epsSmoothing = b.epsSmoothing;
    }

    /** Returns a builder with sacreBLEU's chrF defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Computes corpus-level chrF.
     *
     * @param hypotheses one hypothesis per segment
     * @param references for each segment, its one or more references
     * @return the score
     * @throws IllegalArgumentException if the counts differ, the corpus is empty, or a segment has
     *     no reference
     */
    public ChrFScore corpusScore(List<String> hypotheses, List<? extends List<String>> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(
                    "hypothesis and reference counts differ: "
                            + hypotheses.size()
                            + " hypotheses vs "
                            + references.size()
                            + " reference sets");
        }
        if (hypotheses.isEmpty()) {
            throw new IllegalArgumentException("empty corpus: no hypotheses given");
        }
        int orders = charOrder + wordOrder;
        long[] stats = new long[3 * orders];
        int nrefs = -2;
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> refs = references.get(i);
            if (refs == null || refs.isEmpty()) {
                throw new IllegalArgumentException("segment " + i + " has no reference");
            }
            nrefs = nrefs == -2 ? refs.size() : (nrefs == refs.size() ? nrefs : -1);
            if (hypotheses.get(i) == null) {
                throw new IllegalArgumentException("hypothesis " + i + " is null");
            }
            List<Map<String, Integer>> hyp = ngrams(preprocess(hypotheses.get(i)));
            long[] best = null;
            double bestF = -1;
            for (String ref : refs) {
                if (ref == null) {
                    throw new IllegalArgumentException("a reference of segment " + i + " is null");
                }
                long[] seg = matchStatistics(hyp, ngrams(preprocess(ref)));
                double f = fScore(seg);
                if (f > bestF) {
                    bestF = f;
                    best = seg;
                }
            }
            for (int k = 0; k < stats.length; k++) {
                stats[k] += best[k];
            }
        }
        String name = "chrF" + formatBeta() + "+".repeat(wordOrder);
        return new ChrFScore(name, fScore(stats), signature(nrefs == -1 ? "var" : Integer.toString(nrefs)));
    }

    /**
     * Computes chrF of a single segment.
     *
     * @param hypothesis the hypothesis
     * @param references its one or more references
     * @return the score
     */
    public ChrFScore sentenceScore(String hypothesis, List<String> references) {
        return corpusScore(List.of(hypothesis), List.of(references));
    }

    /** Returns sacreBLEU's reproducibility signature for the given reference count. */
    public String signature(String nrefs) {
        return "nrefs:" + nrefs
                + "|case:" + (lowercase ? "lc" : "mixed")
                + "|eff:" + (epsSmoothing ? "no" : "yes")
                + "|nc:" + charOrder
                + "|nw:" + wordOrder
                + "|space:" + (whitespace ? "yes" : "no")
                + "|version:" + Bleu.SACREBLEU_VERSION + "-compatible";
    }

    private String formatBeta() {
        return beta == Math.rint(beta) ? Long.toString((long) beta) : Double.toString(beta);
    }

    private String preprocess(String s) {
        return lowercase ? s.toLowerCase(Locale.ROOT) : s;
    }

    /** Returns n-gram counters: character orders 1..charOrder, then word orders 1..wordOrder. */
    private List<Map<String, Integer>> ngrams(String segment) {
        List<Map<String, Integer>> out = new ArrayList<>();
        String chars = whitespace ? segment : String.join("", PythonCompat.split(segment));
        int[] cps = chars.codePoints().toArray();
        for (int n = 1; n <= charOrder; n++) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i + n <= cps.length; i++) {
                counts.merge(new String(cps, i, n), 1, Integer::sum);
            }
            out.add(counts);
        }
        if (wordOrder > 0) {
            List<String> words = splitPunctuation(segment);
            for (int n = 1; n <= wordOrder; n++) {
                Map<String, Integer> counts = new HashMap<>();
                for (int i = 0; i + n <= words.size(); i++) {
                    counts.merge(String.join(" ", words.subList(i, i + n)), 1, Integer::sum);
                }
                out.add(counts);
            }
        }
        return out;
    }

    private static List<String> splitPunctuation(String segment) {
        List<String> out = new ArrayList<>();
        for (String w : PythonCompat.split(segment)) {
            int len = w.codePointCount(0, w.length());
            if (len == 1) {
                out.add(w);
                continue;
            }
            int last = w.codePointBefore(w.length());
            int first = w.codePointAt(0);
            if (PUNCTUATION.indexOf(last) >= 0) {
                out.add(w.substring(0, w.length() - Character.charCount(last)));
                out.add(new String(Character.toChars(last)));
            } else if (PUNCTUATION.indexOf(first) >= 0) {
                out.add(new String(Character.toChars(first)));
                out.add(w.substring(Character.charCount(first)));
            } else {
                out.add(w);
            }
        }
        return out;
    }

    /** Returns [hyp, ref, match] per order; hyp counts 0 when the reference has no n-gram. */
    private static long[] matchStatistics(List<Map<String, Integer>> hyp, List<Map<String, Integer>> ref) {
        long[] stats = new long[3 * hyp.size()];
        for (int k = 0; k < hyp.size(); k++) {
            Map<String, Integer> r = ref.get(k);
            long hypCount = 0;
            long match = 0;
            for (Map.Entry<String, Integer> e : hyp.get(k).entrySet()) {
                hypCount += e.getValue();
                Integer inRef = r.get(e.getKey());
                if (inRef != null) {
                    match += Math.min(e.getValue(), inRef);
                }
            }
            long refCount = r.values().stream().collect(Collectors.summingLong(Integer::longValue));
            stats[3 * k] = r.isEmpty() ? 0 : hypCount;
            stats[3 * k + 1] = refCount;
            stats[3 * k + 2] = match;
        }
        return stats;
    }

    private double fScore(long[] stats) {
        double factor = beta * beta;
        int orders = stats.length / 3;
        double epsScore = 0;
        double avgPrec = 0;
        double avgRec = 0;
        int effective = 0;
        for (int k = 0; k < orders; k++) {
            long nHyp = stats[3 * k];
            long nRef = stats[3 * k + 1];
            long nMatch = stats[3 * k + 2];
            double prec = nHyp > 0 ? (double) nMatch / nHyp : EPS;
            double rec = nRef > 0 ? (double) nMatch / nRef : EPS;
            double denom = factor * prec + rec;
            epsScore += denom > 0 ? (1 + factor) * prec * rec / denom : EPS;
            if (nHyp > 0 && nRef > 0) {
                avgPrec += prec;
                avgRec += rec;
                effective++;
            }
        }
        if (epsSmoothing) {
            return 100 * epsScore / orders;
        }
        if (effective == 0) {
            return 0.0;
        }
        avgPrec /= effective;
        avgRec /= effective;
        if (avgPrec + avgRec == 0) {
            return 0.0;
        }
        return 100 * (1 + factor) * avgPrec * avgRec / (factor * avgPrec + avgRec);
    }

    /** Builder for {@link ChrF}; every option has sacreBLEU's default. */
    public static final class Builder {
        private int charOrder = 6;
        private int wordOrder = 0;
        private double beta = 2;
        private boolean lowercase;
        private boolean whitespace;
        private boolean epsSmoothing;

        Builder() {}

        /** Sets the character n-gram order (default 6). */
        public Builder optCharOrder(int charOrder) {
            this.charOrder = charOrder;
            return this;
        }

        /** Sets the word n-gram order (default 0; 2 gives chrF++). */
        public Builder optWordOrder(int wordOrder) {
            this.wordOrder = wordOrder;
            return this;
        }

        /** Sets beta, the weight of recall relative to precision (default 2). */
        public Builder optBeta(double beta) {
            this.beta = beta;
            return this;
        }

        /** Lowercases before extracting n-grams (default false). */
        public Builder optLowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        /** Keeps whitespace inside character n-grams (default false: whitespace removed). */
        public Builder optWhitespace(boolean whitespace) {
            this.whitespace = whitespace;
            return this;
        }

        /** Uses chrF++.py's epsilon smoothing instead of effective-order averaging (default false). */
        public Builder optEpsSmoothing(boolean epsSmoothing) {
            this.epsSmoothing = epsSmoothing;
            return this;
        }

        /** Checks the options and builds the metric. */
        public ChrF build() {
            if (charOrder < 0 || wordOrder < 0 || charOrder + wordOrder == 0) {
                throw new IllegalArgumentException(
                        "need char order >= 0, word order >= 0 and at least one order > 0 but got "
                                + "char order " + charOrder + ", word order " + wordOrder);
            }
            if (!(beta > 0) || Double.isInfinite(beta)) {
                throw new IllegalArgumentException("beta must be positive and finite but was " + beta);
            }
            return new ChrF(this);
        }
    }
}
