package dev.seqtoolkit.core.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A vocabulary extended by the unknown words of one source sentence, for a copy (pointer-generator)
 * model: the sentence's words outside {@link Vocabulary} get the ids {@code V, V+1, ...} in order of
 * first occurrence ({@code V} the vocabulary's size), so the model can point at them and a decoded
 * extended id maps back to the word.
 *
 * <p>Targets are encoded against the same source: a word outside the vocabulary that the source
 * holds gets its extended id, any other unknown word {@link Vocabulary#UNK_ID}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ExtendedVocabulary {

    private final Vocabulary vocabulary;
    private final List<String> unknownWords;
    private final Map<String, Integer> extendedIds;
    private final int[] sourceIds;

    private ExtendedVocabulary(Vocabulary vocabulary, List<String> source) {
        this.vocabulary = vocabulary;
        this.extendedIds = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        this.sourceIds = new int[source.size()];
        for (int i = 0; i < source.size(); i++) {
            String token = Objects.requireNonNull(source.get(i), "source token " + i);
            if (vocabulary.contains(token)) {
                sourceIds[i] = vocabulary.index(token);
            } else {
                Integer id = extendedIds.get(token);
                if (id == null) {
                    id = vocabulary.size() + unknown.size();
                    extendedIds.put(token, id);
                    unknown.add(token);
                }
                sourceIds[i] = id;
            }
        }
        this.unknownWords = List.copyOf(unknown);
    }

    /**
     * Extends {@code vocabulary} by the unknown words of {@code sourceTokens}.
     *
     * @param vocabulary the model's (shared) vocabulary
     * @param sourceTokens the source sentence's tokens
     */
    public static ExtendedVocabulary of(Vocabulary vocabulary, List<String> sourceTokens) {
        return new ExtendedVocabulary(Objects.requireNonNull(vocabulary, "vocabulary"),
                Objects.requireNonNull(sourceTokens, "sourceTokens"));
    }

    /** @return the underlying vocabulary */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** @return the source's ids, extended ids for its unknown words; a copy */
    public int[] sourceIds() {
        return sourceIds.clone();
    }

    /** @return the source's words outside the vocabulary, in id order (id {@code V + i} is entry {@code i}) */
    public List<String> unknownWords() {
        return unknownWords;
    }

    /** @return the vocabulary size plus the number of the source's unknown words */
    public int size() {
        return vocabulary.size() + unknownWords.size();
    }

    /**
     * Encodes a target against the source: vocabulary ids, extended ids for unknown words the source
     * holds, {@link Vocabulary#UNK_ID} for other unknown words.
     */
    public int[] encodeTarget(List<String> targetTokens) {
        int[] ids = new int[targetTokens.size()];
        for (int i = 0; i < ids.length; i++) {
            String token = Objects.requireNonNull(targetTokens.get(i), "target token " + i);
            Integer extended = vocabulary.contains(token) ? null : extendedIds.get(token);
            ids[i] = extended != null ? extended : vocabulary.index(token);
        }
        return ids;
    }

    /**
     * The word of an id.
     *
     * @throws IndexOutOfBoundsException naming the id and the extended size
     */
    public String token(int id) {
        if (id < 0 || id >= size()) {
            throw new IndexOutOfBoundsException("token id " + id + " is outside the extended vocabulary of size "
                    + size() + " (" + vocabulary.size() + " + " + unknownWords.size() + " unknown source words)");
        }
        return id < vocabulary.size() ? vocabulary.token(id) : unknownWords.get(id - vocabulary.size());
    }

    /** The words of ids, as {@link #token(int)}. */
    public List<String> tokens(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(token(id));
        }
        return out;
    }
}
