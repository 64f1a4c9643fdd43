package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Renders predictions as a self-contained HTML page: each word's background is red with an opacity
 * proportional to its attention weight (relative to the sentence's largest weight, so every
 * sentence shows its focus), the exact weight is in the word's tooltip, and for documents each
 * sentence starts with a blue bar whose opacity is the sentence's weight. Text is HTML-escaped.
 */
public final class AttentionHtml {
    private AttentionHtml() {}

    /** One page for the predictions, in order, with the texts' labels and probabilities. */
    public static String render(List<Prediction> predictions) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>attention</title><style>")
                .append("body{font-family:sans-serif;max-width:60em;margin:2em auto}")
                .append(".w{padding:0 .1em;border-radius:.2em}.s{margin:.3em 0}")
                .append(".bar{display:inline-block;width:.6em;height:1em;margin-right:.4em;vertical-align:middle}")
                .append(".p{color:#555;font-size:90%}</style></head><body>\n");
        for (Prediction p : predictions) {
            html.append("<div class=\"doc\"><p class=\"p\">label <b>").append(escape(p.label())).append("</b>");
            double[] probs = p.probabilities();
            for (int i = 0; i < probs.length; i++) {
                html.append(String.format(Locale.ROOT, " &middot; %s %.3f", escape(p.labels().get(i)), probs[i]));
            }
            if (p.droppedWords() > 0) {
                html.append(" &middot; ").append(p.droppedWords()).append(" words cut by the length limit");
            }
            html.append("</p>\n");
            if (p.empty()) {
                html.append("<p class=\"s\"><i>(no words)</i></p>\n");
            }
            for (SentenceAttention s : p.sentences()) {
                html.append("<p class=\"s\">");
                if (p.sentences().size() > 1 || s.weight() != 1.0) {
                    html.append(String.format(Locale.ROOT,
                            "<span class=\"bar\" title=\"sentence %.4f\" style=\"background:rgba(0,90,255,%.3f)\"></span>",
                            s.weight(), s.weight()));
                }
                double[] w = s.wordWeights();
                double max = 0;
                for (double v : w) {
                    max = Math.max(max, v);
                }
                List<String> tokens = s.tokens();
                for (int i = 0; i < tokens.size(); i++) {
                    double alpha = w.length == 0 || max <= 0 ? 0 : w[i] / max;
                    html.append(String.format(Locale.ROOT,
                            "<span class=\"w\" title=\"%.4f\" style=\"background:rgba(255,0,0,%.3f)\">",
                            w.length == 0 ? Double.NaN : w[i], alpha))
                            .append(escape(tokens.get(i))).append("</span> ");
                }
                html.append("</p>\n");
            }
            html.append("</div><hr>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    /** Writes {@link #render} to {@code file} atomically. */
    public static void write(List<Prediction> predictions, Path file) throws IOException {
        AtomicFiles.writeString(file, render(predictions));
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
