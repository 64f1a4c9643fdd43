package dev.seqtoolkit.translate;

import java.util.List;

/**
 * One candidate translation.
 *
 * @param text the detokenized translation
 * @param subwords the output subwords (after unknown-word replacement), {@code <eos>} excluded
 * @param score the search's score: the sum of log-probabilities, divided by the GNMT length penalty
 *     in beam search
 * @param logProb the sum of log-probabilities of every step, {@code <eos>} included
 * @param finished true if the model ended it with {@code <eos>}, false if it was cut at the length
 *     limit
 */
public record Translation(String text, List<String> subwords, double score, double logProb, boolean finished) {
    /** Copies the subword list. */
    public Translation {
        subwords = List.copyOf(subwords);
    }
}
