package dev.seqtoolkit.core.hierarchy;

import dev.seqtoolkit.core.text.Vocabulary;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One document as sentences of token ids, within its {@link DocumentLimits}.
 *
 * <p>Empty sentences are left out. A document without any token (empty text) becomes one sentence
 * holding the single id {@link Vocabulary#UNK_ID}, so every document has at least one sentence of at
 * least one word; {@link #empty()} says so and {@link #tokens()} is then empty.
 *
 * @param tokens the kept tokens, one list per kept sentence (empty for an empty document)
 * @param ids the ids of the kept tokens, one array per sentence; never empty
 * @param empty whether the document had no token at all
 * @param droppedSentences sentences cut by {@code maxSentences}
 * @param droppedWords words cut, in kept sentences by {@code maxWordsPerSentence} and in dropped
 *     sentences
 * @param unknownWords kept words that map to {@code <unk>}
 */
public record EncodedDocument(
        List<List<String>> tokens, List<int[]> ids, boolean empty, int droppedSentences, long droppedWords,
        int unknownWords) {

    /** Copies the lists. */
    public EncodedDocument {
        tokens = List.copyOf(tokens.stream().map(List::copyOf).toList());
        ids = List.copyOf(ids);
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("an encoded document has at least one sentence");
        }
    }

    /**
     * Encodes tokenized sentences.
     *
     * @param sentences the document's sentences as tokens (for example from a {@link
     *     dev.seqtoolkit.core.text.SentenceSplitter})
     * @param vocabulary maps tokens to ids ({@code <unk>} for unknown ones)
     * @param limits the size bound
     * @throws DocumentTooLongException if the document exceeds a limit and the policy is REFUSE
     */
    public static EncodedDocument of(List<List<String>> sentences, Vocabulary vocabulary, DocumentLimits limits) {
        Objects.requireNonNull(sentences, "sentences");
        Objects.requireNonNull(vocabulary, "vocabulary");
        Objects.requireNonNull(limits, "limits");
        List<List<String>> nonEmpty = new ArrayList<>();
        int longest = 0;
        for (List<String> s : sentences) {
            if (!s.isEmpty()) {
                nonEmpty.add(s);
                longest = Math.max(longest, s.size());
            }
        }
        if (nonEmpty.isEmpty()) {
            return new EncodedDocument(List.of(), List.of(new int[] {Vocabulary.UNK_ID}), true, 0, 0, 0);
        }
        boolean over = nonEmpty.size() > limits.maxSentences() || longest > limits.maxWordsPerSentence();
        if (over && limits.overflow() == DocumentLimits.Overflow.REFUSE) {
            throw new DocumentTooLongException(nonEmpty.size(), longest, limits);
        }
        int keep = Math.min(nonEmpty.size(), limits.maxSentences());
        long droppedWords = 0;
        for (int i = keep; i < nonEmpty.size(); i++) {
            droppedWords += nonEmpty.get(i).size();
        }
        List<List<String>> kept = new ArrayList<>(keep);
        List<int[]> ids = new ArrayList<>(keep);
        int unknown = 0;
        for (int i = 0; i < keep; i++) {
            List<String> s = nonEmpty.get(i);
            int n = Math.min(s.size(), limits.maxWordsPerSentence());
            droppedWords += s.size() - n;
            List<String> cut = s.subList(0, n);
            int[] row = vocabulary.encode(cut);
            for (int id : row) {
                if (id == Vocabulary.UNK_ID) {
                    unknown++;
                }
            }
            kept.add(cut);
            ids.add(row);
        }
        return new EncodedDocument(kept, ids, false, nonEmpty.size() - keep, droppedWords, unknown);
    }

    /** The number of sentences (at least 1). */
    public int sentenceCount() {
        return ids.size();
    }

    /** The number of word positions. */
    public int wordCount() {
        int n = 0;
        for (int[] s : ids) {
            n += s.length;
        }
        return n;
    }

    /** Whether anything was cut. */
    public boolean truncated() {
        return droppedSentences > 0 || droppedWords > 0;
    }
}
