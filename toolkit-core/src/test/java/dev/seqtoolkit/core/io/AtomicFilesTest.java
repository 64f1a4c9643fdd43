package dev.seqtoolkit.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFilesTest {
    @TempDir Path dir;

    @Test
    void writesBytesTextJsonAndStreams() throws IOException {
        AtomicFiles.write(dir.resolve("a.bin"), new byte[] {1, 2, 3});
        AtomicFiles.writeString(dir.resolve("sub/b.txt"), "héllo");
        AtomicFiles.writeJson(dir.resolve("c.json"), Map.of("b", 2, "a", 1));
        AtomicFiles.copy(new ByteArrayInputStream(new byte[] {9, 8}), dir.resolve("d.bin"));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("a.bin")));
        assertEquals("héllo", Files.readString(dir.resolve("sub/b.txt"), StandardCharsets.UTF_8));
        assertEquals("{\n  \"a\" : 1,\n  \"b\" : 2\n}", Files.readString(dir.resolve("c.json")));
        assertArrayEquals(new byte[] {9, 8}, Files.readAllBytes(dir.resolve("d.bin")));
        assertNoTemporaryFiles();
    }

    private void assumePosixPermissions() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.getFileAttributeView(dir, java.nio.file.attribute.PosixFileAttributeView.class) != null,
                "no POSIX permissions on this file system");
    }

    @Test
    void newFilesAreReadableByOthersAndReplacedFilesKeepTheirPermissions() throws IOException {
        assumePosixPermissions();
        Path target = dir.resolve("model.json");
        AtomicFiles.writeString(target, "{}");
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(target)), "not the temporary file's rw-------");
        Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.writeString(target, "{\"a\": 1}");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(target)), "a user's choice survives the replacement");
    }

    /** Text files (data preparation, results) and ONNX graphs are written the same way. */
    @Test
    void textFilesAndOnnxGraphsAreReadableByOthersToo() throws IOException {
        assumePosixPermissions();
        Path text = dir.resolve("lm.txt");
        dev.seqtoolkit.core.text.TextFiles.writeLines(text, java.util.List.of("a b", "c"));
        Path graph = dir.resolve("model.onnx");
        dev.seqtoolkit.core.onnx.OnnxGraphBuilder.write(
                ai.onnx.proto.OnnxMl.ModelProto.newBuilder().setIrVersion(8).build(), graph);
        for (Path p : new Path[] {text, graph}) {
            assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(p)), p.getFileName().toString());
        }
        assertEquals("a b\nc\n", Files.readString(text));
        assertNoTemporaryFiles();
    }

    @Test
    void failingWriterLeavesTheOldFileIntact() throws IOException {
        Path target = dir.resolve("model.bin");
        AtomicFiles.writeString(target, "old content");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half of the new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals("old content", Files.readString(target));
        assertNoTemporaryFiles();
    }

    @Test
    void refusesToReplaceADirectory() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("keep"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(sub, "x"));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertTrue(Files.isDirectory(sub));
    }

    private void assertNoTemporaryFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left behind");
        }
    }

    @Test
    void writeDirectoryReplacesOnlyWhatThePredicateAcceptsAndLeavesNoTemporaries(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("export");
        AtomicFiles.writeDirectory(target, p -> true, "an export", d -> Files.writeString(d.resolve("a.txt"), "one"));
        assertEquals("one", Files.readString(target.resolve("a.txt")));
        AtomicFiles.writeDirectory(target, p -> Files.exists(p.resolve("a.txt")), "an export",
                d -> Files.writeString(d.resolve("b.txt"), "two"));
        assertFalse(Files.exists(target.resolve("a.txt")), "the old directory is replaced, not merged");
        assertEquals("two", Files.readString(target.resolve("b.txt")));

        Path foreign = dir.resolve("photos");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("cat.jpg"), "precious");
        IOException refused = assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(foreign,
                p -> Files.exists(p.resolve("b.txt")), "an export", d -> Files.writeString(d.resolve("x"), "x")));
        assertTrue(refused.getMessage().contains("is not an export; not replacing it"), refused.getMessage());
        assertEquals("precious", Files.readString(foreign.resolve("cat.jpg")));

        assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(target, p -> true, "an export", d -> {
            Files.writeString(d.resolve("half.txt"), "half");
            throw new IOException("disk full");
        }));
        assertEquals("two", Files.readString(target.resolve("b.txt")), "a failed write leaves the target as it was");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(java.util.Set.of("export", "photos"),
                    left.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }
}
