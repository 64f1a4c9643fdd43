package dev.seqtoolkit.summarize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.text.TextFiles;
import dev.seqtoolkit.summarize.extractive.ExtractiveConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;

/**
 * The configuration of a {@link Summarizer}: which kind of model, and that model's section.
 *
 * <pre>
 * {"mode": "EXTRACTIVE", "extractive": { ...ExtractiveConfig fields... }}
 * {"mode": "ABSTRACTIVE", "abstractive": { ...the pointer-generator's fields... }}
 * </pre>
 *
 * {@code mode} defaults to EXTRACTIVE; a missing section takes its model's defaults; fields of the
 * extractive section are checked on load (see {@link ExtractiveConfig#fromJsonTree}); unknown
 * top-level fields are rejected. The {@code abstractive} section is kept as given and checked by the
 * abstractive model's own config when that mode is built in (in this build ABSTRACTIVE is refused
 * when a model is trained or loaded).
 *
 * @param mode EXTRACTIVE (SummaRuNNer sentence extraction) or ABSTRACTIVE (pointer-generator)
 * @param extractive the extractive model's config
 * @param abstractive the abstractive model's config as a JSON object (may be empty)
 */
public record SummarizerConfig(Mode mode, ExtractiveConfig extractive, ObjectNode abstractive) {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> FIELDS = Set.of("mode", "extractive", "abstractive");

    /** The kinds of summarizer. */
    public enum Mode {
        /** Selects the document's best sentences (SummaRuNNer). */
        EXTRACTIVE,
        /** Generates new text, copying words from the document (pointer-generator). */
        ABSTRACTIVE
    }

    /** Checks the fields and copies the abstractive section. */
    public SummarizerConfig {
        if (mode == null) {
            throw new IllegalArgumentException("summarizer config: mode must be EXTRACTIVE or ABSTRACTIVE, got null");
        }
        Objects.requireNonNull(extractive, "extractive");
        abstractive = abstractive == null ? JSON.createObjectNode() : abstractive.deepCopy();
    }

    @Override
    public ObjectNode abstractive() {
        return abstractive.deepCopy();
    }

    /** An EXTRACTIVE config with the given extractive section. */
    public static SummarizerConfig extractive(ExtractiveConfig extractive) {
        return new SummarizerConfig(Mode.EXTRACTIVE, extractive, null);
    }

    /** A builder: EXTRACTIVE with the default extractive config and an empty abstractive section. */
    public static Builder builder() {
        return new Builder();
    }

    /** This config as a JSON tree. */
    public ObjectNode toJsonTree() {
        ObjectNode tree = JSON.createObjectNode();
        tree.put("mode", mode.name());
        tree.set("extractive", extractive.toJsonTree());
        tree.set("abstractive", abstractive.deepCopy());
        return tree;
    }

    /** Writes the config as JSON, atomically. */
    public void save(Path file) throws IOException {
        AtomicFiles.writeString(file, JSON.writeValueAsString(toJsonTree()) + "\n");
    }

    /** Reads a config file; see {@link #fromJsonTree}. */
    public static SummarizerConfig load(Path file) throws IOException {
        JsonNode tree;
        try {
            tree = JSON.readTree(TextFiles.readString(file));
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        try {
            return fromJsonTree(tree, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * A config from a JSON object.
     *
     * @param where names the source in messages
     */
    public static SummarizerConfig fromJsonTree(JsonNode tree, String where) {
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException(where + ": the summarizer config must be a JSON object");
        }
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException(where + ": unknown field \"" + name
                        + "\"; known fields are [mode, extractive, abstractive]");
            }
        }
        Mode mode = Mode.EXTRACTIVE;
        if (tree.has("mode")) {
            try {
                mode = Mode.valueOf(tree.get("mode").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": mode must be EXTRACTIVE or ABSTRACTIVE, got "
                        + tree.get("mode"), e);
            }
        }
        ExtractiveConfig extractive = tree.has("extractive")
                ? ExtractiveConfig.fromJsonTree(tree.get("extractive"), where + " \"extractive\"")
                : ExtractiveConfig.builder().build();
        JsonNode abstractive = tree.get("abstractive");
        if (abstractive != null && !abstractive.isObject()) {
            throw new IllegalArgumentException(where + ": \"abstractive\" must be a JSON object, got " + abstractive);
        }
        return new SummarizerConfig(mode, extractive, (ObjectNode) abstractive);
    }

    /** Builder; every field has a default (EXTRACTIVE, default extractive config, empty abstractive section). */
    public static final class Builder {
        private Mode mode = Mode.EXTRACTIVE;
        private ExtractiveConfig extractive = ExtractiveConfig.builder().build();
        private ObjectNode abstractive;

        Builder() {}

        public Builder optMode(Mode mode) {
            this.mode = mode;
            return this;
        }

        public Builder optExtractive(ExtractiveConfig extractive) {
            this.extractive = Objects.requireNonNull(extractive, "extractive");
            return this;
        }

        /** The abstractive model's config as a JSON object. */
        public Builder optAbstractive(ObjectNode abstractive) {
            this.abstractive = abstractive;
            return this;
        }

        public SummarizerConfig build() {
            return new SummarizerConfig(mode, extractive, abstractive);
        }
    }
}
