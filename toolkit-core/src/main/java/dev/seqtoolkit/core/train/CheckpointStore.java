package dev.seqtoolkit.core.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.io.BlockParameters;
import dev.seqtoolkit.core.io.Hashing;
import dev.seqtoolkit.core.io.ModelBundle.FileEntry;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints of one run under {@code runDir/checkpoints/step-NNNNNNNNNNNN/}: {@code parameters.bin}
 * (DJL's block format), {@code optimizer.bin} and {@code trainer-state.json} (trainer state plus size
 * and SHA-256 of the two binary files). A checkpoint is written into a temporary directory and renamed
 * into place, so a crash leaves either the complete checkpoint or none; only the newest {@code keep}
 * are kept.
 */
final class CheckpointStore {
    static final String PARAMETERS = "parameters.bin";
    static final String OPTIMIZER = "optimizer.bin";
    static final String STATE = "trainer-state.json";
    private static final Pattern NAME = Pattern.compile("step-\\d{12}");
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** What {@code trainer-state.json} holds. */
    record Checkpoint(
            @JsonProperty(value = "state", required = true) TrainerState state,
            @JsonProperty(value = "files", required = true) List<FileEntry> files) {
        @JsonCreator
        Checkpoint {}
    }

    /** Test hook: runs with the complete temporary directory just before it is renamed into place. */
    interface BeforeCommit {
        void run(Path temporaryDirectory) throws IOException;
    }

    private final Path directory;
    private final int keep;
    private BeforeCommit beforeCommit = dir -> {};

    CheckpointStore(Path runDirectory, int keep) {
        this.directory = runDirectory.resolve("checkpoints");
        this.keep = keep;
    }

    void setBeforeCommit(BeforeCommit hook) {
        this.beforeCommit = hook;
    }

    Path directory() {
        return directory;
    }

    /** Writes a checkpoint for {@code state.globalStep}; replaces one of the same step. */
    Path write(TrainerState state, Block block, CheckpointableOptimizer optimizer) throws IOException {
        Files.createDirectories(directory);
        String name = String.format("step-%012d", state.globalStep);
        Path temp = directory.resolve(".tmp-" + name + "-" + UUID.randomUUID());
        Files.createDirectory(temp);
        try {
            List<FileEntry> files = new ArrayList<>();
            files.add(writeFile(temp, PARAMETERS, out -> block.saveParameters(new DataOutputStream(out))));
            files.add(writeFile(temp, OPTIMIZER, out -> {
                DataOutputStream dos = new DataOutputStream(out);
                optimizer.saveState(dos);
                dos.flush();
            }));
            byte[] json = MAPPER.writeValueAsBytes(new Checkpoint(state, files));
            writeFile(temp, STATE, out -> out.write(json));
            beforeCommit.run(temp);
            Path target = directory.resolve(name);
            if (Files.exists(target)) {
                Path old = directory.resolve(".old-" + name + "-" + UUID.randomUUID());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                deleteRecursively(old);
            } else {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            temp = null;
            prune();
            return target;
        } finally {
            if (temp != null) {
                deleteRecursively(temp);
            }
        }
    }

    private static FileEntry writeFile(Path dir, String name, AtomicFiles.Writer writer) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            writer.write(out);
        }
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        return new FileEntry(name, Files.size(file), Hashing.sha256(file));
    }

    /** Complete checkpoints, oldest first. */
    List<Path> list() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    Optional<Path> latest() throws IOException {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            deleteRecursively(all.get(i));
        }
    }

    /** Reads and verifies a checkpoint's state; fails naming the file that is missing or damaged. */
    static Checkpoint read(Path checkpoint) throws IOException {
        Path stateFile = checkpoint.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            throw new IOException("Checkpoint " + checkpoint + " is incomplete: " + STATE + " is missing");
        }
        Checkpoint c;
        try {
            c = MAPPER.readValue(stateFile.toFile(), Checkpoint.class);
        } catch (IOException e) {
            throw new IOException("Checkpoint state " + stateFile + " is invalid: " + e.getMessage(), e);
        }
        for (FileEntry f : c.files()) {
            Path file = checkpoint.resolve(f.name());
            if (!Files.isRegularFile(file)) {
                throw new IOException("Checkpoint file " + file + " is missing");
            }
            if (Files.size(file) != f.size() || !Hashing.sha256(file).equals(f.sha256())) {
                throw new IOException("Checkpoint file " + file + " is damaged: size or SHA-256 differs from " + STATE);
            }
        }
        return c;
    }

    /** Restores the optimizer slots saved in a checkpoint. */
    static void loadOptimizer(Path checkpoint, CheckpointableOptimizer optimizer) throws IOException {
        Path file = checkpoint.resolve(OPTIMIZER);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            optimizer.loadState(in, file.toString());
        }
    }

    /**
     * Loads DJL-format parameters into {@code block}, in the managers of its current arrays, and closes
     * the arrays they replace.
     */
    static void loadParameters(Block block, InputStream source, String name) throws IOException {
        List<NDArray> old = new ArrayList<>();
        NDManager manager = null;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().isInitialized()) {
                old.add(p.getValue().getArray());
                manager = manager == null ? p.getValue().getArray().getManager() : manager;
            }
        }
        if (manager == null) {
            throw new IllegalStateException("Cannot load " + name + ": the block is not initialised");
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(source))) {
            BlockParameters.load(block, manager, in, name);
        } catch (MalformedModelException e) {
            throw new IOException("Cannot load " + name + " into the block: " + e.getMessage(), e);
        }
        old.forEach(NDArray::close);
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
}
