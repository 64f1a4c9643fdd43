package dev.seqtoolkit.sentiment;

import java.util.List;

/**
 * A classifier's answer for one text.
 *
 * @param label the most probable label
 * @param labels the declared labels, the order of {@code probabilities}
 * @param probabilities one per label, summing to 1
 * @param sentences the sentences read with their word (and sentence) attention; empty when the
 *     text had no token
 * @param empty the text had no token; the model then read a single {@code <unk>}
 * @param droppedSentences sentences cut by the limits
 * @param droppedWords words cut by the limits
 */
public record Prediction(String label, List<String> labels, double[] probabilities, List<SentenceAttention> sentences,
        boolean empty, int droppedSentences, long droppedWords) {

    /** Copies the lists and arrays. */
    public Prediction {
        labels = List.copyOf(labels);
        probabilities = probabilities.clone();
        sentences = List.copyOf(sentences);
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** The probability of {@code label}; fails naming the declared labels if it is not one. */
    public double probability(String label) {
        int i = labels.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("\"" + label + "\" is not one of the labels " + labels);
        }
        return probabilities[i];
    }

    /** All tokens read, in order. */
    public List<String> tokens() {
        return sentences.stream().flatMap(s -> s.tokens().stream()).toList();
    }
}
