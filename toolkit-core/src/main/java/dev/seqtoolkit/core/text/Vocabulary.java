package dev.seqtoolkit.core.text;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A bijection between tokens and integer ids.
 *
 * <p>Ids 0-3 are reserved: {@value #PAD} = 0, {@value #UNK} = 1, {@value #BOS} = 2,
 * {@value #EOS} = 3. The remaining tokens follow in deterministic order: count descending, then
 * token in ordinal ({@link String#compareTo}) order, so the same counts always give the same ids.
 * Occurrences of the reserved strings in the training data are not counted as ordinary tokens
 * (the Penn Treebank's own {@code <unk>} thus maps to id 1).
 *
 * <p>Immutable and thread-safe. Saved as JSON: {@code {"version":1, "sha256":..., "tokens":[...]}}.
 */
public final class Vocabulary {

    /** The padding token, id 0. */
    public static final String PAD = "<pad>";
    /** The unknown-token token, id 1. */
    public static final String UNK = "<unk>";
    /** The beginning-of-sequence token, id 2. */
    public static final String BOS = "<bos>";
    /** The end-of-sequence token, id 3. */
    public static final String EOS = "<eos>";
    /** Id of {@link #PAD}. */
    public static final int PAD_ID = 0;
    /** Id of {@link #UNK}. */
    public static final int UNK_ID = 1;
    /** Id of {@link #BOS}. */
    public static final int BOS_ID = 2;
    /** Id of {@link #EOS}. */
    public static final int EOS_ID = 3;
    /** The reserved tokens in id order. */
    public static final List<String> RESERVED = List.of(PAD, UNK, BOS, EOS);

    private static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final String sha256;

    Vocabulary(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            Integer previous = ids.put(tokens.get(i), i);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate token '" + tokens.get(i) + "' at ids "
                        + previous + " and " + i);
            }
        }
        for (int i = 0; i < RESERVED.size(); i++) {
            if (i >= tokens.size() || !RESERVED.get(i).equals(tokens.get(i))) {
                throw new IllegalArgumentException("id " + i + " must be the reserved token "
                        + RESERVED.get(i) + " but is "
                        + (i < tokens.size() ? "'" + tokens.get(i) + "'" : "missing"));
            }
        }
        this.sha256 = hash(this.tokens);
    }

    /** Creates a builder that counts tokens. */
    public static VocabularyBuilder builder() {
        return new VocabularyBuilder();
    }

    /**
     * Creates a vocabulary from an explicit token list in id order, which must start with
     * {@link #RESERVED} and contain no duplicates.
     */
    public static Vocabulary of(List<String> tokensInIdOrder) {
        return new Vocabulary(tokensInIdOrder);
    }

    /** The number of tokens, reserved ones included. */
    public int size() {
        return tokens.size();
    }

    /** The id of {@code token}, or {@link #UNK_ID} if it is not in the vocabulary. */
    public int index(String token) {
        Integer id = ids.get(token);
        return id == null ? UNK_ID : id;
    }

    /** Whether {@code token} has its own id. */
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /**
     * The token with id {@code id}.
     *
     * @throws IndexOutOfBoundsException naming the id and the vocabulary size
     */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IndexOutOfBoundsException("token id " + id + " is outside the vocabulary of size "
                    + tokens.size());
        }
        return tokens.get(id);
    }

    /** All tokens in id order (unmodifiable). */
    public List<String> tokens() {
        return tokens;
    }

    /** Encodes tokens into ids, unknown tokens becoming {@link #UNK_ID}. */
    public int[] encode(List<String> sequence) {
        return encode(sequence, null);
    }

    /**
     * Encodes tokens into ids and adds to {@code stats} the number of tokens and of tokens encoded
     * as {@link #UNK_ID} (absent from the vocabulary, or a literal {@code <unk>} in the data).
     *
     * @param sequence the tokens
     * @param stats the counter to update, or {@code null}
     * @return one id per token
     */
    public int[] encode(List<String> sequence, EncodeStats stats) {
        int[] out = new int[sequence.size()];
        int unknown = 0;
        for (int i = 0; i < out.length; i++) {
            Integer id = ids.get(sequence.get(i));
            out[i] = id == null ? UNK_ID : id;
            if (out[i] == UNK_ID) {
                unknown++;
            }
        }
        if (stats != null) {
            stats.record(out.length, unknown);
        }
        return out;
    }

    /**
     * Decodes ids into tokens.
     *
     * @param ids the ids
     * @param stripSpecials if {@code true}, stop at the first {@link #EOS_ID} and drop
     *     {@code <pad>} and {@code <bos>} ({@code <unk>} is kept: it stands for a real token);
     *     if {@code false}, decode every id
     * @return the tokens
     * @throws IndexOutOfBoundsException if an id is outside the vocabulary
     */
    public List<String> decode(int[] ids, boolean stripSpecials) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            if (stripSpecials) {
                if (id == EOS_ID) {
                    break;
                }
                if (id == PAD_ID || id == BOS_ID) {
                    continue;
                }
            }
            out.add(token(id));
        }
        return out;
    }

    /**
     * The SHA-256 (lowercase hex) of the ordered token list, for provenance: each token contributes
     * its UTF-8 byte length as a 4-byte big-endian integer followed by its UTF-8 bytes.
     */
    public String sha256() {
        return sha256;
    }

    /**
     * Saves as JSON through a temporary file and an atomic rename.
     *
     * @param file the destination
     * @throws IOException if writing fails
     */
    public void save(Path file) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(new FileForm(FORMAT_VERSION, sha256, tokens));
        dev.seqtoolkit.core.io.AtomicFiles.write(file, bytes);
    }

    /**
     * Loads a vocabulary saved by {@link #save}.
     *
     * @param file the JSON file
     * @return the vocabulary
     * @throws IOException if the file is missing, is not valid JSON of the expected form (unknown
     *     properties are rejected), lacks the reserved tokens, holds duplicates or empty tokens, or
     *     its hash does not match; the message names the file
     */
    public static Vocabulary load(Path file) throws IOException {
        String text = TextFiles.readString(file);
        FileForm form;
        try {
            form = JSON.readValue(text, FileForm.class);
        } catch (JsonProcessingException e) {
            throw new IOException("malformed vocabulary file " + file + ": " + e.getOriginalMessage(), e);
        }
        if (form == null) {
            throw new IOException("malformed vocabulary file " + file + ": empty JSON");
        }
        if (form.version != FORMAT_VERSION) {
            throw new IOException("vocabulary file " + file + " has format version " + form.version
                    + "; this toolkit reads version " + FORMAT_VERSION);
        }
        if (form.tokens == null) {
            throw new IOException("vocabulary file " + file + " has no \"tokens\" list");
        }
        for (int i = 0; i < form.tokens.size(); i++) {
            String token = form.tokens.get(i);
            if (token == null || token.isEmpty()) {
                throw new IOException("vocabulary file " + file + " has an empty or null token at id " + i);
            }
        }
        Vocabulary vocabulary;
        try {
            vocabulary = new Vocabulary(form.tokens);
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid vocabulary file " + file + ": " + e.getMessage(), e);
        }
        if (form.sha256 != null && !form.sha256.equals(vocabulary.sha256)) {
            throw new IOException("vocabulary file " + file + " declares sha256 " + form.sha256
                    + " but its tokens hash to " + vocabulary.sha256);
        }
        return vocabulary;
    }

    static String hash(List<String> tokens) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String token : tokens) {
                byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
                int n = bytes.length;
                digest.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Vocabulary && ((Vocabulary) other).tokens.equals(tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }

    @Override
    public String toString() {
        return "Vocabulary(size=" + tokens.size() + ", sha256=" + sha256.substring(0, 12) + ")";
    }

    /** The JSON form. */
    static final class FileForm {
        @JsonProperty(value = "version", required = true)
        final int version;
        @JsonProperty("sha256")
        final String sha256;
        @JsonProperty(value = "tokens", required = true)
        final List<String> tokens;

        @JsonCreator
        FileForm(@JsonProperty(value = "version", required = true) int version,
                @JsonProperty("sha256") String sha256,
                @JsonProperty(value = "tokens", required = true) List<String> tokens) {
            this.version = version;
            this.sha256 = sha256;
            this.tokens = tokens;
        }
    }
}
