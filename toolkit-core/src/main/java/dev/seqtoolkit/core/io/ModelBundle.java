package dev.seqtoolkit.core.io;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A saved model: a directory holding {@code manifest.json} (format name, format version, and the
 * size and SHA-256 of every other file), {@code config.json} (the task's configuration tree), named
 * vocabulary files {@code vocab-NAME.json} (opaque bytes), {@code parameters.bin} (the block's
 * parameters in DJL's format) and {@code provenance.json}.
 *
 * <p>{@link #save} writes a complete bundle into a temporary sibling directory and only then renames
 * it into place; an existing bundle at the target survives until the new one is complete.
 * {@link #load} verifies every file against the manifest before anything is read.
 */
public final class ModelBundle {
    public static final String FORMAT_NAME = "seqtoolkit-model-bundle";
    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST = "manifest.json";
    public static final String CONFIG = "config.json";
    public static final String PARAMETERS = "parameters.bin";
    public static final String PROVENANCE = "provenance.json";
    private static final Pattern VOCAB_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final ObjectMapper READER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path directory;
    private final Manifest manifest;
    private final JsonNode config;
    private final Provenance provenance;

    private ModelBundle(Path directory, Manifest manifest, JsonNode config, Provenance provenance) {
        this.directory = directory;
        this.manifest = manifest;
        this.config = config;
        this.provenance = provenance;
    }

    /** One file listed in the manifest. */
    public record FileEntry(
            @JsonProperty(value = "name", required = true) String name,
            @JsonProperty(value = "size", required = true) long size,
            @JsonProperty(value = "sha256", required = true) String sha256) {
        @JsonCreator
        public FileEntry {}
    }

    /** The manifest: format, version, files and the vocabulary names. */
    public record Manifest(
            @JsonProperty(value = "format", required = true) String format,
            @JsonProperty(value = "formatVersion", required = true) int formatVersion,
            @JsonProperty(value = "vocabularies", required = true) List<String> vocabularies,
            @JsonProperty(value = "files", required = true) List<FileEntry> files) {
        @JsonCreator
        public Manifest {}
    }

    /** The file name of the vocabulary called {@code name}. */
    public static String vocabularyFileName(String name) {
        if (name == null || !VOCAB_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Vocabulary name '" + name + "' must be 1-64 characters of A-Z a-z 0-9 _ -");
        }
        return "vocab-" + name + ".json";
    }

    // ---------------------------------------------------------------------------------- saving

    public static Builder builder() {
        return new Builder();
    }

    /** Collects what a bundle holds; {@link #save(Path)} writes it. */
    public static final class Builder {
        private JsonNode config;
        private Block block;
        private Provenance provenance;
        private final Map<String, AtomicFiles.Writer> vocabularies = new LinkedHashMap<>();

        Builder() {}

        /** The task's configuration tree (required). */
        public Builder setConfig(JsonNode config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The block whose parameters are saved (required, initialised). */
        public Builder setBlock(Block block) {
            this.block = Objects.requireNonNull(block, "block");
            return this;
        }

        /** Provenance (required). */
        public Builder setProvenance(Provenance provenance) {
            this.provenance = Objects.requireNonNull(provenance, "provenance");
            return this;
        }

        /** Adds a vocabulary given as the bytes of its JSON file. */
        public Builder addVocabulary(String name, byte[] json) {
            byte[] copy = Objects.requireNonNull(json, "json of vocabulary " + name).clone();
            return addVocabulary(name, out -> out.write(copy));
        }

        /** Adds a vocabulary written by a callback when the bundle is saved. */
        public Builder addVocabulary(String name, AtomicFiles.Writer writer) {
            vocabularyFileName(name);
            Objects.requireNonNull(writer, "writer of vocabulary " + name);
            if (vocabularies.putIfAbsent(name, writer) != null) {
                throw new IllegalArgumentException("Vocabulary '" + name + "' was added twice");
            }
            return this;
        }

        /**
         * Writes the bundle to {@code target}. If {@code target} already holds a bundle it is replaced
         * only after the new bundle is complete; a directory there that is not a bundle is never
         * touched and the save fails.
         */
        public void save(Path target) throws IOException {
            if (config == null || block == null || provenance == null) {
                throw new IllegalStateException(
                        "ModelBundle.Builder: setConfig, setBlock and setProvenance are required"
                                + (config == null ? " (config missing)" : "")
                                + (block == null ? " (block missing)" : "")
                                + (provenance == null ? " (provenance missing)" : ""));
            }
            Path absolute = target.toAbsolutePath().normalize();
            Path parent = absolute.getParent();
            if (parent == null) {
                throw new IOException("Cannot save a bundle at the file system root: " + target);
            }
            if (Files.exists(absolute) && !isBundle(absolute)) {
                throw new IOException(
                        "Refusing to replace " + absolute + ": it exists and is not a model bundle (no valid "
                                + MANIFEST + ")");
            }
            Files.createDirectories(parent);
            String name = absolute.getFileName().toString();
            Path temp = parent.resolve("." + name + ".tmp-" + UUID.randomUUID());
            Files.createDirectory(temp);
            try {
                List<FileEntry> entries = new ArrayList<>();
                entries.add(writeFile(temp, CONFIG, out -> out.write(AtomicFiles.JSON.writeValueAsBytes(config))));
                List<String> names = new ArrayList<>(vocabularies.keySet());
                for (String vocab : names) {
                    entries.add(writeFile(temp, vocabularyFileName(vocab), vocabularies.get(vocab)));
                }
                entries.add(writeFile(temp, PARAMETERS, out -> {
                    DataOutputStream dos = new DataOutputStream(out);
                    block.saveParameters(dos);
                    dos.flush();
                }));
                entries.add(writeFile(temp, PROVENANCE, out -> out.write(provenance.toJson())));
                Manifest manifest = new Manifest(FORMAT_NAME, FORMAT_VERSION, names, entries);
                AtomicFiles.writeDurably(temp.resolve(MANIFEST), out -> out.write(AtomicFiles.JSON.writeValueAsBytes(manifest)));
                AtomicFiles.fsyncDirectory(temp);
                replaceDirectory(temp, absolute);
                temp = null;
            } finally {
                if (temp != null) {
                    deleteRecursively(temp);
                }
            }
        }
    }

    private static FileEntry writeFile(Path dir, String name, AtomicFiles.Writer writer) throws IOException {
        Path file = dir.resolve(name);
        AtomicFiles.writeDurably(file, writer);
        return new FileEntry(name, Files.size(file), Hashing.sha256(file));
    }

    /** Moves the complete {@code temp} to {@code target}, keeping any old bundle until the move succeeded. */
    private static void replaceDirectory(Path temp, Path target) throws IOException {
        Path parent = target.getParent();
        Path old = null;
        if (Files.exists(target)) {
            old = parent.resolve("." + target.getFileName() + ".old-" + UUID.randomUUID());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        AtomicFiles.fsyncDirectory(parent);
        if (old != null) {
            deleteRecursively(old);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static boolean isBundle(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir) || !Files.isRegularFile(manifest)) {
            return false;
        }
        try {
            JsonNode node = READER.readTree(manifest.toFile());
            return node != null && FORMAT_NAME.equals(node.path("format").asText());
        } catch (IOException e) {
            return false;
        }
    }

    // --------------------------------------------------------------------------------- loading

    /**
     * Opens and verifies a bundle: the manifest must name this format at a version this toolkit
     * reads, and every listed file must exist with the listed size and SHA-256.
     *
     * @throws BundleException naming the file and the problem
     */
    public static ModelBundle load(Path directory) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new BundleException(dir + " is not a model bundle: no such directory");
        }
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new BundleException(dir + " is not a model bundle: " + MANIFEST + " is missing");
        }
        JsonNode tree;
        try {
            tree = READER.readTree(manifestFile.toFile());
        } catch (IOException e) {
            throw new BundleException(manifestFile + " is not a model bundle manifest: invalid JSON (" + e.getMessage() + ")", e);
        }
        String format = tree == null ? null : tree.path("format").asText(null);
        if (!FORMAT_NAME.equals(format)) {
            throw new BundleException(
                    manifestFile + " is not a model bundle manifest: format is '" + format + "', expected '" + FORMAT_NAME + "'");
        }
        int version = tree.path("formatVersion").asInt(-1);
        if (version > FORMAT_VERSION) {
            throw new BundleException(
                    manifestFile + " has format version " + version + ", newer than this toolkit reads ("
                            + FORMAT_VERSION + "); upgrade the toolkit");
        }
        if (version < 1) {
            throw new BundleException(manifestFile + " has an invalid format version " + tree.path("formatVersion"));
        }
        Manifest manifest;
        try {
            manifest = READER.treeToValue(tree, Manifest.class);
        } catch (IOException e) {
            throw new BundleException(manifestFile + " is malformed: " + e.getMessage(), e);
        }
        Map<String, FileEntry> byName = new LinkedHashMap<>();
        for (FileEntry entry : manifest.files()) {
            if (entry.name() == null || !FILE_NAME.matcher(entry.name()).matches() || entry.name().equals(MANIFEST)) {
                throw new BundleException(manifestFile + " lists an invalid file name '" + entry.name() + "'");
            }
            if (byName.put(entry.name(), entry) != null) {
                throw new BundleException(manifestFile + " lists " + entry.name() + " twice");
            }
        }
        List<String> required = new ArrayList<>(List.of(CONFIG, PARAMETERS, PROVENANCE));
        for (String vocab : manifest.vocabularies()) {
            required.add(vocabularyFileName(vocab));
        }
        for (String name : required) {
            if (!byName.containsKey(name)) {
                throw new BundleException(manifestFile + " does not list required file " + name);
            }
        }
        for (FileEntry entry : byName.values()) {
            verify(dir, entry);
        }
        JsonNode config;
        try {
            config = READER.readTree(dir.resolve(CONFIG).toFile());
        } catch (IOException e) {
            throw new BundleException(dir.resolve(CONFIG) + " is not valid JSON: " + e.getMessage(), e);
        }
        Provenance provenance = Provenance.fromJson(Files.readAllBytes(dir.resolve(PROVENANCE)), dir.resolve(PROVENANCE).toString());
        return new ModelBundle(dir, manifest, config, provenance);
    }

    private static void verify(Path dir, FileEntry entry) throws IOException {
        Path file = dir.resolve(entry.name());
        if (!Files.isRegularFile(file)) {
            throw new BundleException("Bundle file " + file + " is missing (listed in " + MANIFEST + ")");
        }
        long size = Files.size(file);
        if (size != entry.size()) {
            throw new BundleException(
                    "Bundle file " + file + " is " + (size < entry.size() ? "truncated" : "modified") + ": size "
                            + size + " bytes, " + MANIFEST + " says " + entry.size());
        }
        String hash = Hashing.sha256(file);
        if (!hash.equalsIgnoreCase(entry.sha256())) {
            throw new BundleException(
                    "Bundle file " + file + " is modified: SHA-256 " + hash + ", " + MANIFEST + " says " + entry.sha256());
        }
    }

    /** The bundle's directory. */
    public Path directory() {
        return directory;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** A copy of the configuration tree. */
    public JsonNode config() {
        return config.deepCopy();
    }

    public Provenance provenance() {
        return provenance;
    }

    /** Names of the vocabularies, in the order they were added. */
    public List<String> vocabularyNames() {
        return Collections.unmodifiableList(manifest.vocabularies());
    }

    /** The bytes of a vocabulary file; fails naming the vocabulary if the bundle has none of that name. */
    public byte[] vocabulary(String name) throws IOException {
        if (!manifest.vocabularies().contains(name)) {
            throw new BundleException("Bundle " + directory + " has no vocabulary '" + name + "'; it has " + manifest.vocabularies());
        }
        return readVerified(vocabularyFileName(name));
    }

    /** Loads {@code parameters.bin} into {@code block} (which must have the saved structure). */
    public void loadParameters(Block block, NDManager manager) throws IOException {
        Path file = directory.resolve(PARAMETERS);
        verify(directory, entry(PARAMETERS));
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                DataInputStream dis = new DataInputStream(in)) {
            BlockParameters.load(block, manager, dis, file.toString());
            if (dis.read() != -1) {
                throw new BundleException(file + " has trailing bytes: the block's structure differs from the saved one");
            }
        } catch (MalformedModelException | IllegalArgumentException e) {
            throw new BundleException("Cannot load " + file + " into the given block: " + e.getMessage(), e);
        }
    }

    private FileEntry entry(String name) {
        return manifest.files().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    private byte[] readVerified(String name) throws IOException {
        Path file = directory.resolve(name);
        byte[] bytes = Files.readAllBytes(file);
        FileEntry entry = entry(name);
        if (bytes.length != entry.size() || !Hashing.sha256(bytes).equalsIgnoreCase(entry.sha256())) {
            throw new BundleException("Bundle file " + file + " changed after the bundle was loaded (size or SHA-256 mismatch)");
        }
        return bytes;
    }
}
