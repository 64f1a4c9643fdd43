package dev.seqtoolkit.sentiment;

import java.util.List;

/**
 * The words a classifier with a given config reads from a text (HTML breaks, tokenizer, sentence
 * splitter, lowercasing; no vocabulary and no length limit). Use it to write the unlabelled text a
 * pretraining language model learns from, so that both models see the same words. Thread-safe.
 */
public final class SentimentText {
    private final TextPipeline pipeline;

    private SentimentText(SentimentConfig config) {
        this.pipeline = new TextPipeline(config);
    }

    /** The preparation of {@code config} (loads CoreNLP when the config uses it). */
    public static SentimentText of(SentimentConfig config) {
        return new SentimentText(config);
    }

    /** The text's words, one list per sentence (a single list for the sentence architecture). */
    public List<List<String>> sentences(String text) {
        return pipeline.sentences(text);
    }

    /** All words of the text joined by single spaces (sentences too), as one line. */
    public String line(String text) {
        StringBuilder sb = new StringBuilder();
        for (List<String> sentence : sentences(text)) {
            for (String w : sentence) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(w);
            }
        }
        return sb.toString();
    }
}
