package dev.seqtoolkit.core.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes files so that a reader sees either the old content or the complete new content, never a
 * partial file: the content goes to a temporary file in the target's directory, is forced to disk,
 * and is then renamed over the target with {@link StandardCopyOption#ATOMIC_MOVE}.
 */
public final class AtomicFiles {

    /** Jackson mapper used for JSON written by the toolkit: indented, stable field order. */
    static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private AtomicFiles() {}

    /** Writes content that a callback produces. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the content.
         *
         * @param out the stream to write to; the caller closes it
         * @throws IOException if writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    /** Atomically replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, out -> out.write(bytes));
    }

    /** Atomically replaces {@code target} with {@code text} in UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Atomically replaces {@code target} with {@code value} serialised as indented JSON. */
    public static void writeJson(Path target, Object value) throws IOException {
        write(target, JSON.writeValueAsBytes(value));
    }

    /** Atomically replaces {@code target} with everything read from {@code in} (not closed). */
    public static void copy(InputStream in, Path target) throws IOException {
        write(target, in::transferTo);
    }

    /**
     * Atomically replaces {@code target} with what {@code writer} produces. If the writer throws,
     * the target is untouched and the temporary file is deleted.
     */
    public static void write(Path target, Writer writer) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(writer, "writer");
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null) {
            throw new IOException("Cannot write " + target + ": it has no parent directory");
        }
        Files.createDirectories(dir);
        if (Files.isDirectory(absolute)) {
            throw new IOException("Cannot write " + target + ": it is a directory");
        }
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            sharePermissions(temp, absolute);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel))) {
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            moveAtomically(temp, absolute);
            fsyncDirectory(dir);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Gives the temporary file the permissions the result should have: those of the file it replaces,
     * else {@code rw-r--r--}, as an ordinary new file gets (a temporary file starts as {@code
     * rw-------}, which would keep models and results from other users of a machine). No-op where the
     * file system has no POSIX permissions.
     */
    private static void sharePermissions(Path temp, Path target) throws IOException {
        java.nio.file.attribute.PosixFileAttributeView view =
                Files.getFileAttributeView(temp, java.nio.file.attribute.PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        view.setPermissions(Files.exists(target) ? Files.getPosixFilePermissions(target)
                : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Fills a new directory. */
    public interface DirectoryWriter {
        void write(Path directory) throws IOException;
    }

    /**
     * Replaces the directory {@code target} with one that {@code writer} fills: the writer works in a
     * temporary sibling, which is renamed into place only when it is complete; an existing {@code
     * target} is replaced only if {@code mayReplace} accepts it (so a user's unrelated directory is
     * never deleted), else this fails naming it as {@code what}. If the writer throws, the target is
     * untouched and the temporary directory is deleted.
     *
     * @param what what the directory holds, for the refusal (e.g. "an ONNX translator export")
     */
    public static void writeDirectory(Path target, java.util.function.Predicate<Path> mayReplace, String what,
            DirectoryWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            throw new IOException("Cannot write " + target + ": it has no parent directory");
        }
        Files.createDirectories(parent);
        String id = java.util.UUID.randomUUID().toString();
        Path tmp = parent.resolve("." + absolute.getFileName() + ".tmp-" + id);
        Path old = parent.resolve("." + absolute.getFileName() + ".old-" + id);
        try {
            Files.createDirectory(tmp);
            writer.write(tmp);
            boolean replacing = Files.exists(absolute);
            if (replacing) {
                if (!mayReplace.test(absolute)) {
                    throw new IOException(target + " exists and is not " + what + "; not replacing it");
                }
                Files.move(absolute, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(parent);
            if (replacing) {
                deleteTree(old);
            }
        } finally {
            deleteTree(tmp);
        }
    }

    /** Deletes a directory and everything under it; nothing if it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Renames {@code source} to {@code target} atomically, replacing a regular file. */
    static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(
                    "The file system of " + target + " cannot rename atomically; refusing a non-atomic write", e);
        }
    }

    /** Forces a directory's entries to disk where the platform allows it (POSIX); a no-op elsewhere. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open directories; the rename is still atomic there.
        }
    }

    /** Writes {@code bytes} to a new file and forces it to disk (used inside temporary directories). */
    static void writeDurably(Path file, Writer writer) throws IOException {
        try (FileChannel channel =
                        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel))) {
            writer.write(out);
            out.flush();
            channel.force(true);
        }
    }
}
