package dev.seqtoolkit.summarize.extractive;

import dev.seqtoolkit.core.metrics.Rouge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The greedy extractive oracle (Nallapati et al. 2017, after Kedzie et al.): start from the empty
 * selection and repeatedly add the sentence that raises the objective most, stopping when no
 * sentence raises it or {@code maxSentences} are selected. The labels it gives are the targets of
 * the extractor.
 *
 * <p>The objective is the mean of ROUGE-1 F1 and ROUGE-2 F1 of the selected sentences, joined in
 * document order, against the reference, exactly as {@link Rouge#rougeN} computes them (its
 * tokenisation and Porter stemming; n-grams over the concatenated summary, so a bigram may span two
 * adjacent selected sentences). Each sentence is tokenised once; candidate sets are scored on token
 * ids. Ties go to the earliest sentence.
 *
 * <p>Immutable and thread-safe.
 */
public final class Oracle {
    /** Default cap on selected sentences. */
    public static final int DEFAULT_MAX_SENTENCES = 3;

    private final Rouge rouge;
    private final int maxSentences;

    private Oracle(Rouge rouge, int maxSentences) {
        this.rouge = rouge;
        this.maxSentences = maxSentences;
    }

    /** An oracle with stemming on that selects at most {@code maxSentences} sentences. */
    public static Oracle of(int maxSentences) {
        return of(maxSentences, true);
    }

    /**
     * An oracle.
     *
     * @param maxSentences most sentences selected, at least 1
     * @param stemming Porter stemming in the ROUGE tokenisation (ROUGE-1.5.5's {@code -m})
     */
    public static Oracle of(int maxSentences, boolean stemming) {
        if (maxSentences < 1) {
            throw new IllegalArgumentException("the oracle needs maxSentences >= 1, got " + maxSentences);
        }
        return new Oracle(Rouge.builder().optStemming(stemming).build(), maxSentences);
    }

    public int maxSentences() {
        return maxSentences;
    }

    /**
     * The oracle selection of one document.
     *
     * @param sentences the document's sentences (the candidates), in order
     * @param reference the reference summary's sentences
     * @return the selected sentence indices in increasing order and the objective they reach
     */
    public Selection select(List<String> sentences, List<String> reference) {
        Objects.requireNonNull(sentences, "sentences");
        Objects.requireNonNull(reference, "reference");
        Map<String, Integer> ids = new HashMap<>();
        int[][] tokens = new int[sentences.size()][];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = ids(rouge.tokenize(Objects.requireNonNull(sentences.get(i), "sentence " + i)), ids);
        }
        List<String> referenceTokens = new ArrayList<>();
        for (String r : reference) {
            referenceTokens.addAll(rouge.tokenize(r));
        }
        Objective objective = new Objective(ids(referenceTokens, ids));
        boolean[] chosen = new boolean[tokens.length];
        double best = 0;
        int count = 0;
        while (count < maxSentences) {
            int pick = -1;
            double pickScore = best;
            for (int i = 0; i < tokens.length; i++) {
                if (chosen[i]) {
                    continue;
                }
                chosen[i] = true;
                double s = objective.score(tokens, chosen);
                chosen[i] = false;
                if (s > pickScore) {
                    pickScore = s;
                    pick = i;
                }
            }
            if (pick < 0) {
                break;
            }
            chosen[pick] = true;
            best = pickScore;
            count++;
        }
        int[] selected = new int[count];
        for (int i = 0, k = 0; i < chosen.length; i++) {
            if (chosen[i]) {
                selected[k++] = i;
            }
        }
        return new Selection(selected, best);
    }

    /**
     * The oracle labels of one document: 1 for the selected sentences, 0 for the others.
     *
     * @param sentences the document's sentences
     * @param reference the reference summary's sentences
     * @return one label per sentence
     */
    public float[] labels(List<String> sentences, List<String> reference) {
        float[] labels = new float[sentences.size()];
        for (int i : select(sentences, reference).indices()) {
            labels[i] = 1f;
        }
        return labels;
    }

    private static int[] ids(List<String> tokens, Map<String, Integer> ids) {
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.computeIfAbsent(tokens.get(i), t -> ids.size());
        }
        return out;
    }

    /** Mean ROUGE-1/2 F1 against one reference, on token ids. */
    private static final class Objective {
        private final Map<Long, Integer> reference1 = new HashMap<>();
        private final Map<Long, Integer> reference2 = new HashMap<>();
        private final int referenceUnigrams;
        private final int referenceBigrams;

        Objective(int[] reference) {
            count(reference, reference1, reference2);
            referenceUnigrams = reference.length;
            referenceBigrams = Math.max(0, reference.length - 1);
        }

        double score(int[][] sentences, boolean[] chosen) {
            int length = 0;
            for (int i = 0; i < sentences.length; i++) {
                length += chosen[i] ? sentences[i].length : 0;
            }
            int[] joined = new int[length];
            int at = 0;
            for (int i = 0; i < sentences.length; i++) {
                if (chosen[i]) {
                    System.arraycopy(sentences[i], 0, joined, at, sentences[i].length);
                    at += sentences[i].length;
                }
            }
            Map<Long, Integer> c1 = new HashMap<>();
            Map<Long, Integer> c2 = new HashMap<>();
            count(joined, c1, c2);
            double f1 = f1(overlap(c1, reference1), joined.length, referenceUnigrams);
            double f2 = f1(overlap(c2, reference2), Math.max(0, joined.length - 1), referenceBigrams);
            return (f1 + f2) / 2;
        }

        private static void count(int[] tokens, Map<Long, Integer> unigrams, Map<Long, Integer> bigrams) {
            for (int i = 0; i < tokens.length; i++) {
                unigrams.merge((long) tokens[i], 1, Integer::sum);
                if (i + 1 < tokens.length) {
                    bigrams.merge(((long) tokens[i] << 32) | tokens[i + 1], 1, Integer::sum);
                }
            }
        }

        private static long overlap(Map<Long, Integer> candidate, Map<Long, Integer> reference) {
            long overlap = 0;
            for (Map.Entry<Long, Integer> e : reference.entrySet()) {
                overlap += Math.min(e.getValue(), candidate.getOrDefault(e.getKey(), 0));
            }
            return overlap;
        }

        /** Rouge's F: P = overlap / max(candidate, 1), R = overlap / max(reference, 1). */
        private static double f1(long overlap, int candidate, int reference) {
            double p = (double) overlap / Math.max(candidate, 1);
            double r = (double) overlap / Math.max(reference, 1);
            return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
        }
    }

    /**
     * An oracle selection.
     *
     * @param indices selected sentence indices, increasing
     * @param score the mean of ROUGE-1 and ROUGE-2 F1 of the selection (0 for an empty selection)
     */
    public record Selection(int[] indices, double score) {
        /** Copies the indices. */
        public Selection {
            indices = indices.clone();
        }

        @Override
        public int[] indices() {
            return indices.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Selection s && Arrays.equals(indices, s.indices) && score == s.score;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(indices) * 31 + Double.hashCode(score);
        }

        @Override
        public String toString() {
            return "Selection" + Arrays.toString(indices) + " score " + score;
        }
    }
}
