package dev.seqtoolkit.core.metrics;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A BLEU result with its sufficient statistics, in sacreBLEU's terms.
 *
 * @param score BLEU in [0, 100]
 * @param precisions modified n-gram precisions in [0, 100], orders 1..maxOrder (smoothed)
 * @param counts clipped n-gram matches per order
 * @param totals hypothesis n-grams per order
 * @param bp the brevity penalty
 * @param ratio hypLen / refLen (0 when refLen is 0)
 * @param hypLen total hypothesis tokens
 * @param refLen total effective reference tokens (closest reference length per segment)
 * @param signature the reproducibility signature, e.g. {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|...}
 */
public record BleuScore(
        double score,
        List<Double> precisions,
        List<Long> counts,
        List<Long> totals,
        double bp,
        double ratio,
        long hypLen,
        long refLen,
        String signature) {

    /** Copies the lists so the record is immutable. */
    public BleuScore {
        precisions = List.copyOf(precisions);
        counts = List.copyOf(counts);
        totals = List.copyOf(totals);
    }

    /**
     * Renders the score like sacreBLEU's text output, e.g. {@code BLEU|nrefs:1|...|smooth:exp|... =
     * 35.21 66.7/40.0/25.0/14.3 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)}.
     */
    public String format() {
        String prec = precisions.stream()
                .map(p -> PythonCompat.fixed(p, 1))
                .collect(Collectors.joining("/"));
        return "BLEU|" + signature + " = " + PythonCompat.fixed(score, 2) + " " + prec
                + " (BP = " + PythonCompat.fixed(bp, 3) + " ratio = " + PythonCompat.fixed(ratio, 3)
                + " hyp_len = " + hypLen + " ref_len = " + refLen + ")";
    }

    @Override
    public String toString() {
        return format();
    }
}
