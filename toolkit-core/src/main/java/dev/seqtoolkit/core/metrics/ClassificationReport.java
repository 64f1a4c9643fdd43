package dev.seqtoolkit.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-class precision, recall and F1, macro averages, accuracy and the confusion matrix for a
 * single-label classification task.
 *
 * <p>Conventions (as scikit-learn with {@code zero_division=0}): a class never predicted has
 * precision 0; a class absent from the gold labels has recall 0; F1 is 0 when precision + recall
 * is 0. Macro averages are unweighted means over all named classes, including classes with no
 * support.
 */
public final class ClassificationReport {

    private final List<String> labels;
    private final long[][] confusion;
    private final long total;

    private ClassificationReport(List<String> labels, long[][] confusion, long total) {
        this.labels = labels;
        this.confusion = confusion;
        this.total = total;
    }

    /**
     * Builds a report.
     *
     * @param labelNames the class names; index {@code i} names label index {@code i}
     * @param gold gold label indices, shape {@code (n)}, each in {@code [0, labelNames.size())}
     * @param predicted predicted label indices, shape {@code (n)}
     * @return the report
     * @throws IllegalArgumentException on differing lengths, no examples, or an index out of range
     */
    public static ClassificationReport of(List<String> labelNames, int[] gold, int[] predicted) {
        int k = labelNames.size();
        if (k == 0) {
            throw new IllegalArgumentException("at least one label name is required");
        }
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException(
                    "gold and predicted label counts differ: "
                            + gold.length
                            + " gold vs "
                            + predicted.length
                            + " predicted");
        }
        if (gold.length == 0) {
            throw new IllegalArgumentException("no examples: gold and predicted are empty");
        }
        long[][] confusion = new long[k][k];
        for (int i = 0; i < gold.length; i++) {
            checkIndex("gold", i, gold[i], k);
            checkIndex("predicted", i, predicted[i], k);
            confusion[gold[i]][predicted[i]]++;
        }
        return new ClassificationReport(List.copyOf(labelNames), confusion, gold.length);
    }

    private static void checkIndex(String what, int position, int label, int k) {
        if (label < 0 || label >= k) {
            throw new IllegalArgumentException(
                    what + " label at position " + position + " is " + label
                            + " but must be in [0, " + k + ") for " + k + " label names");
        }
    }

    /** Returns the class names. */
    public List<String> labels() {
        return labels;
    }

    /** Returns the number of examples. */
    public long total() {
        return total;
    }

    /** Returns a copy of the confusion matrix, shape {@code (classes, classes)}: [gold][predicted]. */
    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    /** Returns the share of examples whose prediction equals the gold label. */
    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < confusion.length; c++) {
            correct += confusion[c][c];
        }
        return (double) correct / total;
    }

    /** Returns the number of gold examples of class {@code c}. */
    public long support(int c) {
        long s = 0;
        for (long v : confusion[c]) {
            s += v;
        }
        return s;
    }

    private long predictedCount(int c) {
        long s = 0;
        for (long[] row : confusion) {
            s += row[c];
        }
        return s;
    }

    /** Returns the precision of class {@code c}: TP / predicted as c (0 if never predicted). */
    public double precision(int c) {
        long p = predictedCount(c);
        return p == 0 ? 0.0 : (double) confusion[c][c] / p;
    }

    /** Returns the recall of class {@code c}: TP / gold c (0 if c has no support). */
    public double recall(int c) {
        long s = support(c);
        return s == 0 ? 0.0 : (double) confusion[c][c] / s;
    }

    /** Returns the F1 of class {@code c}: harmonic mean of precision and recall (0 if both are 0). */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }

    /** Returns the unweighted mean of per-class precision. */
    public double macroPrecision() {
        double s = 0;
        for (int c = 0; c < labels.size(); c++) {
            s += precision(c);
        }
        return s / labels.size();
    }

    /** Returns the unweighted mean of per-class recall. */
    public double macroRecall() {
        double s = 0;
        for (int c = 0; c < labels.size(); c++) {
            s += recall(c);
        }
        return s / labels.size();
    }

    /** Returns the unweighted mean of per-class F1 (not the F1 of the macro P and R). */
    public double macroF1() {
        double s = 0;
        for (int c = 0; c < labels.size(); c++) {
            s += f1(c);
        }
        return s / labels.size();
    }

    /** Returns a JSON-friendly snapshot (records and lists only; Jackson serialises it as is). */
    public Summary summary() {
        List<ClassMetrics> perClass = new ArrayList<>();
        for (int c = 0; c < labels.size(); c++) {
            perClass.add(new ClassMetrics(labels.get(c), precision(c), recall(c), f1(c), support(c)));
        }
        List<List<Long>> matrix = new ArrayList<>();
        for (long[] row : confusion) {
            List<Long> r = new ArrayList<>();
            for (long v : row) {
                r.add(v);
            }
            matrix.add(List.copyOf(r));
        }
        return new Summary(
                accuracy(), macroPrecision(), macroRecall(), macroF1(), total,
                List.copyOf(perClass), labels, List.copyOf(matrix));
    }

    /** Renders a fixed-width table of per-class figures, macro averages and the confusion matrix. */
    public String toText() {
        int w = "macro avg".length();
        for (String l : labels) {
            w = Math.max(w, l.length());
        }
        StringBuilder sb = new StringBuilder();
        String rowFmt = "%" + w + "s %9s %9s %9s %9s%n";
        String numFmt = "%" + w + "s %9.4f %9.4f %9.4f %9d%n";
        sb.append(String.format(Locale.ROOT, rowFmt, "", "precision", "recall", "f1", "support"));
        for (int c = 0; c < labels.size(); c++) {
            sb.append(String.format(Locale.ROOT, numFmt, labels.get(c),
                    precision(c), recall(c), f1(c), support(c)));
        }
        sb.append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "%" + w + "s %9s %9s %9.4f %9d%n",
                "accuracy", "", "", accuracy(), total));
        sb.append(String.format(Locale.ROOT, numFmt, "macro avg",
                macroPrecision(), macroRecall(), macroF1(), total));
        sb.append(System.lineSeparator()).append("confusion matrix (rows = gold, columns = predicted)");
        sb.append(System.lineSeparator());
        int cw = 1;
        for (String l : labels) {
            cw = Math.max(cw, l.length());
        }
        for (long[] row : confusion) {
            for (long v : row) {
                cw = Math.max(cw, Long.toString(v).length());
            }
        }
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%" + w + "s", ""));
        for (String l : labels) {
            header.append(' ').append(String.format(Locale.ROOT, "%" + cw + "s", l));
        }
        sb.append(header).append(System.lineSeparator());
        for (int g = 0; g < labels.size(); g++) {
            sb.append(String.format(Locale.ROOT, "%" + w + "s", labels.get(g)));
            for (long v : confusion[g]) {
                sb.append(' ').append(String.format(Locale.ROOT, "%" + cw + "d", v));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toText();
    }

    /**
     * Figures for one class.
     *
     * @param label the class name
     * @param precision TP / predicted
     * @param recall TP / gold
     * @param f1 harmonic mean of precision and recall
     * @param support number of gold examples
     */
    public record ClassMetrics(String label, double precision, double recall, double f1, long support) {}

    /**
     * JSON-friendly report.
     *
     * @param accuracy share of correct predictions
     * @param macroPrecision unweighted mean precision
     * @param macroRecall unweighted mean recall
     * @param macroF1 unweighted mean F1
     * @param total number of examples
     * @param perClass per-class figures in label order
     * @param labels class names, the row and column order of {@code confusion}
     * @param confusion confusion matrix [gold][predicted]
     */
    public record Summary(
            double accuracy,
            double macroPrecision,
            double macroRecall,
            double macroF1,
            long total,
            List<ClassMetrics> perClass,
            List<String> labels,
            List<List<Long>> confusion) {}
}
