package dev.seqtoolkit.core.io;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.seqtoolkit.core.engine.Engines;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Where a model came from: toolkit version, engine, a SHA-256 over its training data, creation time
 * (ISO-8601), the configuration it was trained with and free-form extras. Serialised as JSON.
 */
public final class Provenance {
    private static final ObjectMapper READER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String VERSION_RESOURCE = "toolkit-version.properties";

    private final String toolkitVersion;
    private final String engine;
    private final String dataHash;
    private final String created;
    private final JsonNode config;
    private final Map<String, String> extras;

    @JsonCreator
    Provenance(
            @JsonProperty(value = "toolkitVersion", required = true) String toolkitVersion,
            @JsonProperty(value = "engine", required = true) String engine,
            @JsonProperty(value = "dataHash", required = true) String dataHash,
            @JsonProperty(value = "created", required = true) String created,
            @JsonProperty(value = "config", required = true) JsonNode config,
            @JsonProperty("extras") Map<String, String> extras) {
        this.toolkitVersion = requireText(toolkitVersion, "toolkitVersion");
        this.engine = requireText(engine, "engine");
        this.dataHash = requireText(dataHash, "dataHash");
        this.created = requireText(created, "created");
        try {
            Instant.parse(created);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Provenance field 'created' is not an ISO-8601 instant: '" + created + "'", e);
        }
        this.config = config == null ? JsonNodeFactory.instance.objectNode() : config.deepCopy();
        this.extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras == null ? Map.of() : extras));
    }

    private static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Provenance field '" + field + "' is missing or blank");
        }
        return value;
    }

    /** The version of this toolkit, read from a resource that Maven filters at build time. */
    public static String toolkitVersion() {
        try (InputStream in = Provenance.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            return version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + VERSION_RESOURCE, e);
        }
    }

    @JsonProperty("toolkitVersion")
    public String toolkitVersionOfModel() {
        return toolkitVersion;
    }

    @JsonProperty("engine")
    public String engine() {
        return engine;
    }

    /** Lower-case hex SHA-256 over the training data given to the builder. */
    @JsonProperty("dataHash")
    public String dataHash() {
        return dataHash;
    }

    /** Creation time, ISO-8601 instant (e.g. {@code 2025-01-31T12:00:00Z}). */
    @JsonProperty("created")
    public String created() {
        return created;
    }

    /** A copy of the configuration tree. */
    @JsonProperty("config")
    public JsonNode config() {
        return config.deepCopy();
    }

    @JsonProperty("extras")
    public Map<String, String> extras() {
        return extras;
    }

    /** Serialises to indented JSON bytes. */
    public byte[] toJson() {
        try {
            return AtomicFiles.JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serialise provenance", e);
        }
    }

    /** Parses JSON written by {@link #toJson()}; unknown fields are rejected. */
    public static Provenance fromJson(byte[] json, String source) {
        try {
            return READER.readValue(json, Provenance.class);
        } catch (JsonProcessingException e) {
            String detail = e.getCause() instanceof IllegalArgumentException ? e.getCause().getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException("Invalid provenance in " + source + ": " + detail, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read provenance from " + source, e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Provenance)) {
            return false;
        }
        Provenance p = (Provenance) o;
        return toolkitVersion.equals(p.toolkitVersion) && engine.equals(p.engine) && dataHash.equals(p.dataHash)
                && created.equals(p.created) && config.equals(p.config) && extras.equals(p.extras);
    }

    @Override
    public int hashCode() {
        return Objects.hash(toolkitVersion, engine, dataHash, created, config, extras);
    }

    /**
     * Builds a provenance record. {@code setConfig} is required; data sources are hashed in the
     * order added, each as (kind, length, content) so that different splits of the same bytes differ.
     */
    public static final class Builder {
        private final MessageDigest digest = Hashing.sha256();
        private int dataSources;
        private JsonNode config;
        private String engine;
        private Instant created;
        private final Map<String, String> extras = new LinkedHashMap<>();

        Builder() {}

        /** The configuration the model was trained with (required). */
        public Builder setConfig(JsonNode config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Adds a data file's content to the data hash; fails naming the file if it cannot be read. */
        public Builder addDataFile(Path file) {
            try {
                byte[] fileHash = HexFormat.of().parseHex(Hashing.sha256(file));
                update((byte) 'F', Files.size(file), fileHash);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("Data file " + file + " does not exist", e);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read data file " + file, e);
            }
            return this;
        }

        /** Adds a string (UTF-8) to the data hash. */
        public Builder addDataString(String data) {
            byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
            update((byte) 'S', bytes.length, bytes);
            return this;
        }

        private void update(byte kind, long length, byte[] content) {
            digest.update(kind);
            digest.update(ByteBuffer.allocate(Long.BYTES).putLong(length).array());
            digest.update(content);
            dataSources++;
        }

        /** The engine name; defaults to {@link Engines#configuredName()}. */
        public Builder optEngine(String engine) {
            this.engine = Engines.normalise(engine, "Provenance.Builder.optEngine");
            return this;
        }

        /** The creation time; defaults to now. */
        public Builder optCreated(Instant created) {
            this.created = Objects.requireNonNull(created, "created");
            return this;
        }

        /** Adds a free-form key/value pair. */
        public Builder addExtra(String key, String value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("Provenance extra key is blank");
            }
            extras.put(key, Objects.requireNonNull(value, "value of extra '" + key + "'"));
            return this;
        }

        public Provenance build() {
            if (config == null) {
                throw new IllegalStateException("Provenance.Builder: setConfig is required");
            }
            String hash;
            try {
                hash = dataSources == 0 ? "none" : HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
            }
            return new Provenance(
                    toolkitVersion(),
                    engine == null ? Engines.configuredName() : engine,
                    hash,
                    (created == null ? Instant.now() : created).toString(),
                    config,
                    extras);
        }
    }
}
