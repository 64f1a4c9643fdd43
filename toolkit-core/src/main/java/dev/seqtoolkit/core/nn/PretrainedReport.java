package dev.seqtoolkit.core.nn;

import java.util.List;

/**
 * What loading pretrained vectors did.
 *
 * @param found vocabulary entries copied from the file
 * @param missing vocabulary entries initialised randomly
 * @param vectorsInFile vectors read from the file
 * @param missingExamples up to 20 missing tokens, in id order
 */
public record PretrainedReport(int found, int missing, int vectorsInFile, List<String> missingExamples) {

    /** Fraction of the vocabulary found in the file. */
    public double coverage() {
        int total = found + missing;
        return total == 0 ? 0 : (double) found / total;
    }
}
