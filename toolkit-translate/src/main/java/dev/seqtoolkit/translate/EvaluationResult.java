package dev.seqtoolkit.translate;

import dev.seqtoolkit.core.metrics.BleuScore;
import dev.seqtoolkit.core.metrics.ChrFScore;

import java.util.List;

/**
 * Scores of a translator on a test set: corpus BLEU (sacreBLEU defaults: 13a tokenization, cased,
 * on detokenized output) and chrF, with the translation speed.
 *
 * @param bleu corpus BLEU
 * @param chrF corpus chrF
 * @param sentences number of test sentences
 * @param seconds wall-clock time spent translating (reading and scoring excluded)
 * @param hypotheses the translations, one per test sentence
 */
public record EvaluationResult(BleuScore bleu, ChrFScore chrF, int sentences, double seconds, List<String> hypotheses) {
    /** Copies the hypotheses. */
    public EvaluationResult {
        hypotheses = List.copyOf(hypotheses);
    }

    /** @return sentences translated per second */
    public double sentencesPerSecond() {
        return seconds > 0 ? sentences / seconds : Double.POSITIVE_INFINITY;
    }
}
