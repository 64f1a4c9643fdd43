package dev.seqtoolkit.summarize.extractive;

import java.util.Arrays;
import java.util.List;

/**
 * An extractive summary of one document.
 *
 * @param sentences the extracted sentences in document order, as in the source text (under a word
 *     budget the only sentence may be cut, see {@link dev.seqtoolkit.summarize.SummaryLength})
 * @param indices their positions among the document's sentences, increasing
 * @param probabilities the model's P(extract) of every sentence it read (the first {@code
 *     maxSentences}), in document order; empty for an empty document
 * @param documentSentences sentences in the whole document
 * @param droppedSentences sentences past {@code maxSentences}, never read or extracted
 * @param droppedWords words the encoder did not read (cut from long sentences and in dropped sentences)
 */
public record ExtractiveSummary(List<String> sentences, int[] indices, double[] probabilities, int documentSentences,
        int droppedSentences, long droppedWords) {

    /** Copies the arrays and lists. */
    public ExtractiveSummary {
        sentences = List.copyOf(sentences);
        indices = indices.clone();
        probabilities = probabilities.clone();
    }

    @Override
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** The sentences joined by line breaks. */
    public String text() {
        return String.join("\n", sentences);
    }

    /** Whether nothing was extracted (an empty document). */
    public boolean isEmpty() {
        return sentences.isEmpty();
    }

    /** Whether the document was longer than the model reads. */
    public boolean truncated() {
        return droppedSentences > 0 || droppedWords > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExtractiveSummary s && sentences.equals(s.sentences) && Arrays.equals(indices, s.indices)
                && Arrays.equals(probabilities, s.probabilities) && documentSentences == s.documentSentences
                && droppedSentences == s.droppedSentences && droppedWords == s.droppedWords;
    }

    @Override
    public int hashCode() {
        return sentences.hashCode() * 31 + Arrays.hashCode(indices);
    }

    @Override
    public String toString() {
        return "ExtractiveSummary" + Arrays.toString(indices) + " of " + documentSentences + " sentences"
                + (truncated() ? " (dropped " + droppedSentences + " sentences, " + droppedWords + " words)" : "")
                + ": " + sentences;
    }
}
