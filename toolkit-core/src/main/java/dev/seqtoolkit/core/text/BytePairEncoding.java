package dev.seqtoolkit.core.text;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-pair-encoding subword segmentation in the style of Sennrich, Haddow and Birch (2016) and
 * their {@code subword-nmt} tool.
 *
 * <p><b>Learning</b> ({@link #learn}) starts from words split into characters, the last character
 * carrying the end-of-word marker {@value #END_OF_WORD}, and repeatedly merges the most frequent
 * adjacent symbol pair (by total word frequency). Ties go to the pair whose first symbol is
 * smallest in ordinal string order, then whose second symbol is. Learning stops after the
 * requested number of merges or when no pair occurs at least {@code minFrequency} times. See
 * {@link BpeLearner} for the incremental algorithm.
 *
 * <p><b>Applying</b> ({@link #apply}) segments each token by repeatedly merging, among its adjacent
 * pairs, the one learned earliest (all its non-overlapping occurrences, left to right), until no
 * learned pair is left. Every piece but the last of a word gets the continuation marker
 * {@value #CONTINUATION} appended, as {@code subword-nmt} does: {@code lowest -> lo@@ w@@ est}. A
 * word never seen in training still segments, into single characters at worst. Segmentations are
 * cached per word. {@link #remove} joins pieces ending in {@value #CONTINUATION} with their
 * successor, undoing {@link #apply} exactly; to keep that exact, {@link #apply} rejects tokens that
 * themselves end in {@value #CONTINUATION}.
 *
 * <p><b>Joint or separate.</b> For translation, learn one instance on the concatenation of both
 * languages' training text (joint BPE: shared names and numbers split the same way; pair it with one
 * shared or two separate vocabularies) or one instance per side on that side's text only (separate
 * BPE). This class does not care which; it only sees the sentences it is given.
 *
 * <p>Immutable apart from its cache, and thread-safe.
 */
public final class BytePairEncoding {

    /** Marker appended to every subword that is not the last piece of its word. */
    public static final String CONTINUATION = "@@";
    /** Marker on the last symbol of a word during learning and in the saved merges. */
    public static final String END_OF_WORD = "</w>";

    private static final int FORMAT_VERSION = 1;
    private static final int CACHE_LIMIT = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final List<String[]> merges;
    private final Map<String, Map<String, Integer>> ranks;
    private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

    BytePairEncoding(List<String[]> merges) {
        this.merges = new ArrayList<>(merges.size());
        this.ranks = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            String[] pair = merges.get(i);
            if (pair == null || pair.length != 2 || pair[0] == null || pair[1] == null
                    || pair[0].isEmpty() || pair[1].isEmpty()) {
                throw new IllegalArgumentException("merge " + i + " is not a pair of two non-empty symbols");
            }
            this.merges.add(new String[] {pair[0], pair[1]});
            ranks.computeIfAbsent(pair[0], k -> new HashMap<>()).putIfAbsent(pair[1], i);
        }
    }

    /**
     * Learns merges from tokenized sentences with a minimum pair frequency of 2.
     *
     * @param tokenizedSentences the training text, one token list per sentence
     * @param merges the maximum number of merges, at least 0
     * @return the learned encoding
     */
    public static BytePairEncoding learn(Iterable<? extends List<String>> tokenizedSentences, int merges) {
        return learn(tokenizedSentences, merges, 2);
    }

    /**
     * Learns merges from tokenized sentences.
     *
     * @param tokenizedSentences the training text, one token list per sentence
     * @param merges the maximum number of merges, at least 0
     * @param minFrequency stop when the best pair occurs fewer times than this, at least 1
     * @return the learned encoding
     */
    public static BytePairEncoding learn(Iterable<? extends List<String>> tokenizedSentences, int merges,
            int minFrequency) {
        Objects.requireNonNull(tokenizedSentences, "tokenizedSentences");
        if (merges < 0) {
            throw new IllegalArgumentException("number of merges must be non-negative, got " + merges);
        }
        if (minFrequency < 1) {
            throw new IllegalArgumentException("minFrequency must be at least 1, got " + minFrequency);
        }
        Map<String, Long> wordCounts = new HashMap<>();
        for (List<String> sentence : tokenizedSentences) {
            for (String token : sentence) {
                if (token.isEmpty()) {
                    throw new IllegalArgumentException("empty token in BPE training data");
                }
                wordCounts.merge(token, 1L, Long::sum);
            }
        }
        return new BytePairEncoding(new BpeLearner(wordCounts).learn(merges, minFrequency));
    }

    /** The number of learned merges. */
    public int numMerges() {
        return merges.size();
    }

    /** The merges in the order they were learned, as {@code [first, second]} pairs (copies). */
    public List<String[]> merges() {
        List<String[]> copy = new ArrayList<>(merges.size());
        for (String[] pair : merges) {
            copy.add(pair.clone());
        }
        return copy;
    }

    /**
     * Segments tokens into subwords, marking non-final pieces with {@value #CONTINUATION}.
     *
     * @param tokens the words
     * @return the subwords
     * @throws IllegalArgumentException if a token is empty or ends with {@value #CONTINUATION}
     */
    public List<String> apply(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size() * 2);
        for (String token : tokens) {
            List<String> pieces = cache.get(token);
            if (pieces == null) {
                pieces = segment(token);
                if (cache.size() < CACHE_LIMIT) {
                    cache.put(token, pieces);
                }
            }
            out.addAll(pieces);
        }
        return out;
    }

    /**
     * Undoes {@link #apply}: strips {@value #CONTINUATION} and joins each marked piece with the next.
     *
     * @param subwords the pieces
     * @return the words
     * @throws IllegalArgumentException if the last piece still carries the continuation marker
     */
    public static List<String> remove(List<String> subwords) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean open = false;
        for (String piece : subwords) {
            if (piece.endsWith(CONTINUATION)) {
                word.append(piece, 0, piece.length() - CONTINUATION.length());
                open = true;
            } else {
                word.append(piece);
                out.add(word.toString());
                word.setLength(0);
                open = false;
            }
        }
        if (open) {
            throw new IllegalArgumentException("subword sequence ends inside a word: last piece '"
                    + subwords.get(subwords.size() - 1) + "' carries the continuation marker");
        }
        return out;
    }

    private List<String> segment(String token) {
        if (token.isEmpty()) {
            throw new IllegalArgumentException("cannot segment an empty token");
        }
        if (token.endsWith(CONTINUATION)) {
            throw new IllegalArgumentException("token '" + token + "' ends with the continuation marker "
                    + CONTINUATION + ", so its segmentation could not be undone");
        }
        List<String> symbols = BpeLearner.initialSymbols(token);
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Map<String, Integer> row = ranks.get(symbols.get(i));
                Integer rank = row == null ? null : row.get(symbols.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    first = symbols.get(i);
                    second = symbols.get(i + 1);
                }
            }
            if (first == null) {
                break;
            }
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(first)
                        && symbols.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        List<String> pieces = new ArrayList<>(symbols.size());
        for (int i = 0; i < symbols.size(); i++) {
            String symbol = symbols.get(i);
            if (i + 1 < symbols.size()) {
                pieces.add(symbol + CONTINUATION);
            } else {
                pieces.add(symbol.substring(0, symbol.length() - END_OF_WORD.length()));
            }
        }
        return List.copyOf(pieces);
    }

    /**
     * Saves the merges as JSON through a temporary file and an atomic rename.
     *
     * @param file the destination
     * @throws IOException if writing fails
     */
    public void save(Path file) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(new FileForm(FORMAT_VERSION, merges));
        dev.seqtoolkit.core.io.AtomicFiles.write(file, bytes);
    }

    /**
     * Loads merges saved by {@link #save}.
     *
     * @param file the JSON file
     * @return the encoding
     * @throws IOException if the file is missing, malformed, of another version, or holds an
     *     invalid merge; the message names the file
     */
    public static BytePairEncoding load(Path file) throws IOException {
        String text = TextFiles.readString(file);
        FileForm form;
        try {
            form = JSON.readValue(text, FileForm.class);
        } catch (JsonProcessingException e) {
            throw new IOException("malformed BPE file " + file + ": " + e.getOriginalMessage(), e);
        }
        if (form == null || form.merges == null) {
            throw new IOException("BPE file " + file + " has no \"merges\" list");
        }
        if (form.version != FORMAT_VERSION) {
            throw new IOException("BPE file " + file + " has format version " + form.version
                    + "; this toolkit reads version " + FORMAT_VERSION);
        }
        try {
            return new BytePairEncoding(form.merges);
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid BPE file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The JSON form. */
    static final class FileForm {
        @JsonProperty("version")
        final int version;
        @JsonProperty("merges")
        final List<String[]> merges;

        @JsonCreator
        FileForm(@JsonProperty(value = "version", required = true) int version,
                @JsonProperty(value = "merges", required = true) List<String[]> merges) {
            this.version = version;
            this.merges = merges;
        }
    }
}
