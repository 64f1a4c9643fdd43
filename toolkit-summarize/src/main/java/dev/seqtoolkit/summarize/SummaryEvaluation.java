package dev.seqtoolkit.summarize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.metrics.RepeatedNgrams;
import dev.seqtoolkit.core.metrics.Rouge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Corpus scores of candidate summaries against reference summaries.
 *
 * <p>ROUGE follows ROUGE-1.5.5 as the literature runs it ({@code -m}: Porter stemming on; no
 * stop-word removal; see {@link Rouge}): every summary is split into sentences at line breaks
 * (blank lines dropped); ROUGE-1 and ROUGE-2 count clipped n-grams over the whole summary;
 * {@link #rougeL} is the summary-level ROUGE-L (union LCS over the sentences, "ROUGE-Lsum"); each
 * measure is the mean over documents of their precision, recall and F1. A summary given on one
 * line is one sentence, so the line layout matters for ROUGE-L only.
 *
 * <p>Besides ROUGE: the repeated-trigram rate of the candidates, pooled over the corpus (trigrams
 * that already occurred earlier in the same candidate, divided by all candidate trigrams; tokens
 * are the candidate's lowercased whitespace-separated tokens, across its sentences), mean lengths
 * in whitespace-separated words and in sentences, and the number of empty candidates (which score
 * 0 on every ROUGE measure).
 *
 * @param documents the number of documents scored
 * @param rouge1 mean ROUGE-1 precision, recall and F1, each in [0, 1]
 * @param rouge2 mean ROUGE-2
 * @param rougeL mean summary-level ROUGE-L
 * @param repeatedTrigramRate repeated candidate trigrams / candidate trigrams, in [0, 1]
 * @param meanCandidateWords mean words per candidate
 * @param meanReferenceWords mean words per reference
 * @param meanCandidateSentences mean sentences (non-blank lines) per candidate
 * @param meanReferenceSentences mean sentences per reference
 * @param emptyCandidates candidates with no word
 */
public record SummaryEvaluation(
        int documents,
        Rouge.Score rouge1,
        Rouge.Score rouge2,
        Rouge.Score rougeL,
        double repeatedTrigramRate,
        double meanCandidateWords,
        double meanReferenceWords,
        double meanCandidateSentences,
        double meanReferenceSentences,
        int emptyCandidates) {

    /** How the figures were computed, as written into {@link #toJson()}. */
    public static final String CONVENTIONS = "ROUGE-1.5.5 conventions (-m Porter stemming, no stop-word removal, "
            + "tokens [a-z0-9]+ lowercased); rouge1/rouge2/rougeL are mean per-document F1 x 100; rougeL is "
            + "summary-level (union LCS, ROUGE-Lsum) over sentences split at line breaks (a one-line summary "
            + "first split into sentences by CoreNLP's splitter); "
            + "repeated_trigram_rate is pooled over candidates on lowercased whitespace tokens";

    private static final Rouge ROUGE = Rouge.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Checks the counts. */
    public SummaryEvaluation {
        Objects.requireNonNull(rouge1, "rouge1");
        Objects.requireNonNull(rouge2, "rouge2");
        Objects.requireNonNull(rougeL, "rougeL");
        if (documents < 1) {
            throw new IllegalArgumentException("an evaluation needs at least one document, got " + documents);
        }
    }

    /**
     * Scores candidates against references, document by document.
     *
     * @param candidates one candidate summary per document, sentences separated by line breaks
     * @param references the reference summary of each document, in the same order
     * @return the corpus scores
     * @throws IllegalArgumentException if the lists are empty or differ in size (the message gives
     *     both counts)
     * @throws NullPointerException if an entry is null (the message gives its index)
     */
    public static SummaryEvaluation evaluate(List<String> candidates, List<String> references) {
        Objects.requireNonNull(candidates, "candidates");
        Objects.requireNonNull(references, "references");
        if (candidates.size() != references.size()) {
            throw new IllegalArgumentException("cannot evaluate " + candidates.size() + " candidates against "
                    + references.size() + " references: the counts must match");
        }
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no summaries to evaluate");
        }
        int n = candidates.size();
        List<List<String>> cand = new ArrayList<>(n);
        List<List<String>> ref = new ArrayList<>(n);
        RepeatedNgrams trigrams = new RepeatedNgrams(3, 0, 0);
        long candWords = 0;
        long refWords = 0;
        long candSentences = 0;
        long refSentences = 0;
        int empty = 0;
        for (int i = 0; i < n; i++) {
            final int index = i;
            String c = Objects.requireNonNull(candidates.get(i), () -> "candidate " + index + " is null");
            String r = Objects.requireNonNull(references.get(i), () -> "reference " + index + " is null");
            List<String> cs = sentences(c);
            List<String> rs = sentences(r);
            cand.add(cs);
            ref.add(rs);
            List<String> words = words(c.toLowerCase(Locale.ROOT));
            trigrams = trigrams.plus(RepeatedNgrams.count(words, 3));
            candWords += words.size();
            refWords += words(r).size();
            candSentences += cs.size();
            refSentences += rs.size();
            if (words.isEmpty()) {
                empty++;
            }
        }
        Rouge.Scores mean = ROUGE.corpusMean(cand, ref);
        return new SummaryEvaluation(n, mean.rouge1(), mean.rouge2(), mean.rougeLsum(), trigrams.rate(),
                (double) candWords / n, (double) refWords / n, (double) candSentences / n,
                (double) refSentences / n, empty);
    }

    /**
     * {@link #evaluate} after laying out every candidate and reference one sentence per line with
     * {@link Sentences#onePerLine}: summaries that already span several lines keep their lines, one-line
     * summaries are split by CoreNLP's sentence splitter. This is how the toolkit's programs and
     * {@link Summarizer#evaluate} score, so that summary-level ROUGE-L sees sentences whatever the
     * dataset's layout.
     */
    public static SummaryEvaluation evaluateSentences(List<String> candidates, List<String> references) {
        Objects.requireNonNull(candidates, "candidates");
        Objects.requireNonNull(references, "references");
        List<String> c = new ArrayList<>(candidates.size());
        List<String> r = new ArrayList<>(references.size());
        for (int i = 0; i < candidates.size(); i++) {
            final int index = i;
            c.add(Sentences.onePerLine(Objects.requireNonNull(candidates.get(i), () -> "candidate " + index + " is null")));
        }
        for (int i = 0; i < references.size(); i++) {
            final int index = i;
            r.add(Sentences.onePerLine(Objects.requireNonNull(references.get(i), () -> "reference " + index + " is null")));
        }
        return evaluate(c, r);
    }

    /**
     * The sentences of a summary as this evaluation sees them: its non-blank lines, stripped.
     *
     * @param summary a summary, sentences separated by line breaks
     * @return its sentences
     */
    public static List<String> sentences(String summary) {
        return Sentences.turns(summary);
    }

    private static List<String> words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? List.of() : List.of(stripped.split("\\s+"));
    }

    /**
     * The figures as a JSON object: {@code documents}; {@code rouge1}, {@code rouge2}, {@code
     * rougeL} (F1 x 100) and their {@code _precision} / {@code _recall} (x 100); {@code
     * repeated_trigram_rate} (a fraction); mean lengths; {@code empty_candidates}; and {@code
     * rouge_conventions} ({@link #CONVENTIONS}).
     *
     * @return a new object
     */
    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("documents", documents);
        node.put("rouge1", 100 * rouge1.f1());
        node.put("rouge2", 100 * rouge2.f1());
        node.put("rougeL", 100 * rougeL.f1());
        putPr(node, "rouge1", rouge1);
        putPr(node, "rouge2", rouge2);
        putPr(node, "rougeL", rougeL);
        node.put("repeated_trigram_rate", repeatedTrigramRate);
        node.put("mean_candidate_words", meanCandidateWords);
        node.put("mean_reference_words", meanReferenceWords);
        node.put("mean_candidate_sentences", meanCandidateSentences);
        node.put("mean_reference_sentences", meanReferenceSentences);
        node.put("empty_candidates", emptyCandidates);
        node.put("rouge_conventions", CONVENTIONS);
        return node;
    }

    private static void putPr(ObjectNode node, String name, Rouge.Score s) {
        node.put(name + "_precision", 100 * s.precision());
        node.put(name + "_recall", 100 * s.recall());
    }

    /** One line: {@code R1 / R2 / RL} F1 x 100, the repeated-trigram rate and mean lengths. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "%d documents: ROUGE-1 %.2f, ROUGE-2 %.2f, ROUGE-L %.2f (F1 x 100); repeated trigrams %.2f%%; "
                        + "mean words %.1f candidate / %.1f reference",
                documents, 100 * rouge1.f1(), 100 * rouge2.f1(), 100 * rougeL.f1(), 100 * repeatedTrigramRate,
                meanCandidateWords, meanReferenceWords);
    }
}
