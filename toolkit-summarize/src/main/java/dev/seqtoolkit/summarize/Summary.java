package dev.seqtoolkit.summarize;

import java.util.List;

/**
 * A summary as the {@link Summarizer} returns it.
 *
 * @param sentences the summary's sentences (an extractive summary's are the document's own, in
 *     document order); empty for an empty document
 * @param droppedSentences sentences of the document the model did not read (over its length limit)
 * @param droppedWords words of the document the model did not read
 */
public record Summary(List<String> sentences, int droppedSentences, long droppedWords) {

    /** Copies the list. */
    public Summary {
        sentences = List.copyOf(sentences);
    }

    /** The sentences joined by line breaks (the {@link SummaryExample} convention). */
    public String text() {
        return String.join("\n", sentences);
    }

    public boolean isEmpty() {
        return sentences.isEmpty();
    }

    /** Whether the document was longer than the model reads. */
    public boolean truncated() {
        return droppedSentences > 0 || droppedWords > 0;
    }
}
