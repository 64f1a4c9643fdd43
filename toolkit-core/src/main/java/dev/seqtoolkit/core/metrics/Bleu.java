package dev.seqtoolkit.core.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Corpus and sentence BLEU (Papineni et al., 2002) computed exactly as sacreBLEU 2.x does with its
 * defaults: 13a tokenization ({@link Tokenizer13a}), cased, n-gram orders 1..4, "exp" smoothing
 * (mteval-v13a's: the k-th order with no match gets precision {@code 1 / (2^k * total)}), and a
 * brevity penalty against the reference length closest to each hypothesis (the shorter on ties).
 *
 * <p>Segment statistics are summed over the corpus before precisions are taken. As in sacreBLEU,
 * the score is 0 when no n-gram of any order matches, and an order with no hypothesis n-gram at all
 * (every hypothesis shorter than that order) drives the corpus score to 0 unless effective order is
 * on. Multiple references per segment clip counts by the maximum count in any reference.
 *
 * <pre>{@code
 * Bleu bleu = Bleu.builder().build();
 * BleuScore s = bleu.corpusScore(hypotheses, referencesPerSegment);
 * }</pre>
 */
public final class Bleu {

    /** Smoothing methods of Chen and Cherry (2014), named as in sacreBLEU. */
    public enum Smoothing {
        /** No smoothing: a zero precision gives BLEU 0. */
        NONE("none", Double.NaN),
        /** Method 1: zero match counts replaced by a floor (default 0.1). */
        FLOOR("floor", 0.1),
        /** Method 2: add k (default 1) to matches and totals of orders 2 and above. */
        ADD_K("add-k", 1),
        /** Method 3, mteval-v13a's: halve the virtual precision for each further zero order. */
        EXP("exp", Double.NaN);

        private final String id;
        private final double defaultValue;

        Smoothing(String id, double defaultValue) {
            this.id = id;
            this.defaultValue = defaultValue;
        }

        boolean takesValue() {
            return !Double.isNaN(defaultValue);
        }
    }

    /** sacreBLEU's constant for log(0). */
    private static final double LOG_ZERO = -9999999999.0;
    /** The sacreBLEU release whose semantics this class reproduces. */
    static final String SACREBLEU_VERSION = "2.6.0";

    private final boolean lowercase;
    private final int maxOrder;
    private final Smoothing smoothing;
    private final double smoothValue;
    private final boolean effectiveOrder;
    private final Tokenizer13a tokenizer = new Tokenizer13a();

    Bleu(Builder b) {
        this.lowercase = b.lowercase;
        this.maxOrder = b.maxOrder;
        this.smoothing = b.smoothing;
        this.smoothValue = Double.isNaN(b.smoothValue) ? b.smoothing.defaultValue : b.smoothValue;
        this.effectiveOrder = b.effectiveOrder;
    }

    /** Returns a builder with sacreBLEU's corpus defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Computes corpus BLEU.
     *
     * @param hypotheses one detokenised hypothesis per segment
     * @param references for each segment, its one or more detokenised references (note: per
     *     segment, not sacreBLEU's per-reference-stream layout)
     * @return the score
     * @throws IllegalArgumentException if the counts differ, the corpus is empty, or a segment has
     *     no reference
     */
    public BleuScore corpusScore(List<String> hypotheses, List<? extends List<String>> references) {
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
        long[] stats = new long[2 + 2 * maxOrder];
        int nrefs = -2;
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> refs = references.get(i);
            if (refs == null || refs.isEmpty()) {
                throw new IllegalArgumentException("segment " + i + " has no reference");
            }
            nrefs = nrefs == -2 ? refs.size() : (nrefs == refs.size() ? nrefs : -1);
            String hyp = hypotheses.get(i);
            if (hyp == null) {
                throw new IllegalArgumentException("hypothesis " + i + " is null");
            }
            long[] seg = segmentStatistics(hyp, refs, i);
            for (int k = 0; k < stats.length; k++) {
                stats[k] += seg[k];
            }
        }
        return fromStatistics(stats, nrefs == -1 ? "var" : Integer.toString(nrefs));
    }

    /**
     * Computes BLEU of a single segment. Use a Bleu built with {@code optEffectiveOrder(true)} (as
     * sacreBLEU's {@code sentence_bleu} does) or short sentences score 0.
     *
     * @param hypothesis the detokenised hypothesis
     * @param references its one or more references
     * @return the score
     */
    public BleuScore sentenceScore(String hypothesis, List<String> references) {
        return corpusScore(List.of(hypothesis), List.of(references));
    }

    /** Returns sacreBLEU's reproducibility signature for the given reference count. */
    public String signature(String nrefs) {
        String smooth = smoothing.id;
        if (smoothing.takesValue()) {
            smooth += String.format(Locale.ROOT, "[%.2f]", smoothValue);
        }
        return "nrefs:" + nrefs
                + "|case:" + (lowercase ? "lc" : "mixed")
                + "|eff:" + (effectiveOrder ? "yes" : "no")
                + "|tok:13a|smooth:" + smooth
                + (maxOrder != 4 ? "|order:" + maxOrder : "")
                + "|version:" + SACREBLEU_VERSION + "-compatible";
    }

    private String preprocess(String s) {
        String t = lowercase ? s.toLowerCase(Locale.ROOT) : s;
        return tokenizer.tokenize(PythonCompat.rstrip(t));
    }

    /** Returns [hypLen, refLen, matches(1..N), totals(1..N)] for one segment. */
    private long[] segmentStatistics(String hypothesis, List<String> refs, int segment) {
        Map<List<String>, Integer> refMax = new HashMap<>();
        List<Integer> refLens = new ArrayList<>();
        for (String ref : refs) {
            if (ref == null) {
                throw new IllegalArgumentException("a reference of segment " + segment + " is null");
            }
            List<String> tokens = PythonCompat.split(preprocess(ref));
            refLens.add(tokens.size());
            ngramCounts(tokens).forEach((g, c) -> refMax.merge(g, c, Math::max));
        }
        List<String> hyp = PythonCompat.split(preprocess(hypothesis));
        long[] seg = new long[2 + 2 * maxOrder];
        seg[0] = hyp.size();
        seg[1] = closestRefLength(hyp.size(), refLens);
        for (Map.Entry<List<String>, Integer> e : ngramCounts(hyp).entrySet()) {
            int n = e.getKey().size();
            int count = e.getValue();
            seg[2 + maxOrder + n - 1] += count;
            Integer inRef = refMax.get(e.getKey());
            if (inRef != null) {
                seg[2 + n - 1] += Math.min(count, inRef);
            }
        }
        return seg;
    }

    private Map<List<String>, Integer> ngramCounts(List<String> tokens) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int n = 1; n <= maxOrder; n++) {
            for (int i = 0; i + n <= tokens.size(); i++) {
                counts.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static int closestRefLength(int hypLen, List<Integer> refLens) {
        int best = -1;
        int bestDiff = Integer.MAX_VALUE;
        for (int len : refLens) {
            int diff = Math.abs(hypLen - len);
            if (diff < bestDiff || (diff == bestDiff && len < best)) {
                bestDiff = diff;
                best = len;
            }
        }
        return best;
    }

    /** Turns summed statistics into the score, following sacreBLEU's compute_bleu. */
    private BleuScore fromStatistics(long[] stats, String nrefs) {
        long sysLen = stats[0];
        long refLen = stats[1];
        double[] correct = new double[maxOrder];
        double[] total = new double[maxOrder];
        List<Long> counts = new ArrayList<>();
        List<Long> totals = new ArrayList<>();
        boolean anyMatch = false;
        for (int n = 0; n < maxOrder; n++) {
            correct[n] = stats[2 + n];
            total[n] = stats[2 + maxOrder + n];
            counts.add(stats[2 + n]);
            totals.add(stats[2 + maxOrder + n]);
            anyMatch |= stats[2 + n] > 0;
        }
        double bp = 1.0;
        if (sysLen < refLen) {
            bp = sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;
        }
        double ratio = refLen > 0 ? (double) sysLen / refLen : 0.0;
        double[] precisions = new double[maxOrder];
        String sig = signature(nrefs);
        if (!anyMatch) {
            return new BleuScore(0.0, boxed(precisions), counts, totals, bp, ratio, sysLen, refLen, sig);
        }
        double smoothMteval = 1.0;
        int effOrder = maxOrder;
        for (int n = 0; n < maxOrder; n++) {
            if (smoothing == Smoothing.ADD_K && n > 0) {
                correct[n] += smoothValue;
                total[n] += smoothValue;
            }
            if (total[n] == 0) {
                break;
            }
            if (effectiveOrder) {
                effOrder = n + 1;
            }
            if (correct[n] == 0) {
                if (smoothing == Smoothing.EXP) {
                    smoothMteval *= 2;
                    precisions[n] = 100.0 / (smoothMteval * total[n]);
                } else if (smoothing == Smoothing.FLOOR) {
                    precisions[n] = 100.0 * smoothValue / total[n];
                }
            } else {
                precisions[n] = 100.0 * correct[n] / total[n];
            }
        }
        double logSum = 0;
        for (int n = 0; n < effOrder; n++) {
            logSum += precisions[n] == 0.0 ? LOG_ZERO : Math.log(precisions[n]);
        }
        double score = bp * Math.exp(logSum / effOrder);
        return new BleuScore(score, boxed(precisions), counts, totals, bp, ratio, sysLen, refLen, sig);
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /** Builder for {@link Bleu}; every option has sacreBLEU's corpus default. */
    public static final class Builder {
        private boolean lowercase;
        private int maxOrder = 4;
        private Smoothing smoothing = Smoothing.EXP;
        private double smoothValue = Double.NaN;
        private boolean effectiveOrder;

        Builder() {}

        /** Lowercases hypotheses and references before tokenising (default false: cased). */
        public Builder optLowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        /** Sets the maximum n-gram order (default 4). */
        public Builder optMaxOrder(int maxOrder) {
            this.maxOrder = maxOrder;
            return this;
        }

        /** Sets the smoothing method (default {@link Smoothing#EXP}). */
        public Builder optSmoothing(Smoothing smoothing) {
            this.smoothing = smoothing;
            return this;
        }

        /** Sets the value for {@link Smoothing#FLOOR} or {@link Smoothing#ADD_K}. */
        public Builder optSmoothValue(double smoothValue) {
            this.smoothValue = smoothValue;
            return this;
        }

        /**
         * Averages only over orders that have hypothesis n-grams (default false; sacreBLEU's
         * {@code sentence_bleu} uses true).
         */
        public Builder optEffectiveOrder(boolean effectiveOrder) {
            this.effectiveOrder = effectiveOrder;
            return this;
        }

        /** Checks the options and builds the metric. */
        public Bleu build() {
            if (maxOrder < 1) {
                throw new IllegalArgumentException("max n-gram order must be >= 1 but was " + maxOrder);
            }
            if (smoothing == null) {
                throw new IllegalArgumentException("smoothing must not be null");
            }
            if (!Double.isNaN(smoothValue)) {
                if (!smoothing.takesValue()) {
                    throw new IllegalArgumentException(
                            "smoothing " + smoothing.id + " takes no value but got " + smoothValue);
                }
                if (!(smoothValue > 0) || Double.isInfinite(smoothValue)) {
                    throw new IllegalArgumentException(
                            "smoothing value must be positive and finite but was " + smoothValue);
                }
            }
            return new Bleu(this);
        }
    }
}
