package dev.seqtoolkit.core.metrics;

/**
 * A chrF / chrF++ result.
 *
 * @param name {@code chrF2} for chrF with beta 2, {@code chrF2++} with word order 2
 * @param score the score in [0, 100]
 * @param signature the reproducibility signature, e.g. {@code nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|...}
 */
public record ChrFScore(String name, double score, String signature) {

    /** Renders like sacreBLEU, e.g. {@code chrF2|nrefs:1|... = 67.17}. */
    public String format() {
        return name + "|" + signature + " = " + PythonCompat.fixed(score, 2);
    }

    @Override
    public String toString() {
        return format();
    }
}
