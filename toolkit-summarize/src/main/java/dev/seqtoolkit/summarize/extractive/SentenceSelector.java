package dev.seqtoolkit.summarize.extractive;

import dev.seqtoolkit.summarize.SummaryLength;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Picks sentences by score under a {@link SummaryLength}; results in document order. */
final class SentenceSelector {
    private SentenceSelector() {}

    /**
     * @param indices chosen sentence indices, increasing
     * @param sentences their text (under a word budget the only one may be cut)
     */
    record Choice(int[] indices, List<String> sentences) {}

    /**
     * @param scores one score per candidate sentence (higher is better; ties go to the earlier sentence)
     * @param sentences the candidates' text
     * @param length the bound; DEFAULT means {@code defaultSentences} sentences
     */
    static Choice choose(double[] scores, List<String> sentences, SummaryLength length, int defaultSentences) {
        if (scores.length != sentences.size()) {
            throw new IllegalArgumentException(scores.length + " scores for " + sentences.size() + " sentences");
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i));
        boolean[] chosen = new boolean[scores.length];
        String cut = null;
        switch (length.kind()) {
            case DEFAULT, SENTENCES -> {
                int k = length.kind() == SummaryLength.Kind.DEFAULT ? defaultSentences : length.value();
                for (int r = 0; r < Math.min(k, order.length); r++) {
                    chosen[order[r]] = true;
                }
            }
            case WORDS -> {
                int budget = length.value();
                int used = 0;
                for (int i : order) {
                    int words = words(sentences.get(i)).length;
                    if (used + words <= budget) {
                        chosen[i] = true;
                        used += words;
                    }
                }
                if (used == 0 && order.length > 0) {
                    chosen[order[0]] = true;
                    String[] w = words(sentences.get(order[0]));
                    cut = String.join(" ", Arrays.copyOf(w, Math.min(budget, w.length)));
                }
            }
            default -> throw new IllegalStateException("unknown length kind " + length.kind());
        }
        List<Integer> picked = new ArrayList<>();
        List<String> text = new ArrayList<>();
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i]) {
                picked.add(i);
                text.add(cut != null ? cut : sentences.get(i));
            }
        }
        return new Choice(picked.stream().mapToInt(Integer::intValue).toArray(), text);
    }

    /** Whitespace-separated words. */
    static String[] words(String sentence) {
        String s = sentence.strip();
        return s.isEmpty() ? new String[0] : s.split("\\s+");
    }
}
