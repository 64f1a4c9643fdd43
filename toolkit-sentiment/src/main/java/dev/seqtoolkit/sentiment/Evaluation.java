package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.metrics.ClassificationReport;

/**
 * A classifier's scores on labelled texts.
 *
 * @param report accuracy, per-class and macro precision/recall/F1, confusion matrix
 * @param textsPerSecond prediction speed over the whole set (tokenization included)
 * @param truncatedTexts texts cut by the length limits
 */
public record Evaluation(ClassificationReport report, double textsPerSecond, int truncatedTexts) {
    public double accuracy() {
        return report.accuracy();
    }

    public double macroF1() {
        return report.macroF1();
    }
}
