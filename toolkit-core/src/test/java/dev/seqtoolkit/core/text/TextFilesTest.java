package dev.seqtoolkit.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsLinesWithAllTerminators() throws IOException {
        Path file = dir.resolve("mixed.txt");
        Files.write(file, "one\ntwo\r\nthree\rfour\n\nsix".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("one", "two", "three", "four", "", "six"), TextFiles.readLines(file));
    }

    @Test
    void finalTerminatorDoesNotAddALineAndBomIsDropped() throws IOException {
        Path file = dir.resolve("bom.txt");
        byte[] text = "caf\u00e9\nna\u00efve \u2014 \uD83D\uDE00\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[text.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withBom, 3, text.length);
        Files.write(file, withBom);
        assertEquals(List.of("caf\u00e9", "na\u00efve \u2014 \uD83D\uDE00"), TextFiles.readLines(file));
    }

    @Test
    void invalidByteNamesFileAndLine() throws IOException {
        Path file = dir.resolve("bad.txt");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("fine\nalso fine\nbro".getBytes(StandardCharsets.UTF_8));
            out.write(0xFF); // never valid in UTF-8
            out.write("ken\nlast\n".getBytes(StandardCharsets.UTF_8));
        }
        IOException e = assertThrows(IOException.class, () -> TextFiles.readLines(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("byte 4"), e.getMessage());
        assertTrue(e.getMessage().contains("0xFF"), e.getMessage());
    }

    @Test
    void truncatedMultibyteSequenceAndLatin1AreRejected() throws IOException {
        Path truncated = dir.resolve("truncated.txt");
        // 0xE2 0x82 starts a three-byte sequence (euro sign) that the line break cuts short
        Files.write(truncated, new byte[] {'a', '\n', (byte) 0xE2, (byte) 0x82, '\n'});
        IOException e = assertThrows(IOException.class, () -> TextFiles.readLines(truncated));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());

        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "x\ny\nz\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        IOException e2 = assertThrows(IOException.class, () -> TextFiles.readString(latin1));
        assertTrue(e2.getMessage().contains("line 4"), e2.getMessage());
        assertTrue(e2.getMessage().contains(latin1.toString()), e2.getMessage());
    }

    @Test
    void invalidBytesInsideGzipAreReported() throws IOException {
        Path file = dir.resolve("bad.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("ok\n".getBytes(StandardCharsets.UTF_8));
            out.write(new byte[] {(byte) 0xC3, (byte) 0x28, '\n'}); // invalid continuation byte
        }
        IOException e = assertThrows(IOException.class, () -> TextFiles.readLines(file));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void corruptGzipNamesTheFile() throws IOException {
        Path notGzip = dir.resolve("plain.txt.gz");
        Files.writeString(notGzip, "not compressed\n");
        IOException e = assertThrows(IOException.class, () -> TextFiles.readLines(notGzip));
        assertTrue(e.getMessage().contains(notGzip.toString()), e.getMessage());

        Path truncated = dir.resolve("cut.txt.gz");
        TextFiles.writeLines(truncated, java.util.Collections.nCopies(2000, "some line of text 12345"));
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(IOException.class, () -> TextFiles.readLines(truncated));
        assertTrue(e.getMessage().contains(truncated.toString()), e.getMessage());
    }

    @Test
    void gzipRoundTripThroughWriteLines() throws IOException {
        Path file = dir.resolve("sub/out.txt.gz");
        List<String> lines = List.of("\u00fcber", "", "z\u00fcrich");
        TextFiles.writeLines(file, lines);
        assertEquals(0x1f, Files.readAllBytes(file)[0] & 0xFF);
        assertEquals(lines, TextFiles.readLines(file));
        try (var listing = Files.list(file.getParent())) {
            assertEquals(1, listing.count(), "no temporary file may remain");
        }
    }

    @Test
    void readParallelNamesBothFilesAndCounts() throws IOException {
        Path en = dir.resolve("train.en");
        Path de = dir.resolve("train.de");
        TextFiles.writeLines(en, List.of("a", "b", "c"));
        TextFiles.writeLines(de, List.of("x", "y"));
        IOException e = assertThrows(IOException.class, () -> TextFiles.readParallel(en, de));
        String m = e.getMessage();
        assertTrue(m.contains(en.toString()) && m.contains(de.toString()), m);
        assertTrue(m.contains("3 lines") && m.contains("2 lines"), m);

        TextFiles.writeLines(de, List.of("x", "y", "z"));
        TextFiles.Parallel pair = TextFiles.readParallel(en, de);
        assertEquals(3, pair.size());
        assertEquals("z", pair.target().get(2));
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nope.txt");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TextFiles.readLines(file));
        assertTrue(e.getMessage().contains(file.toString()));
        assertFalse(Files.exists(file));
    }

    @Test
    void streamsLineNumbers() throws IOException {
        Path file = dir.resolve("n.txt");
        TextFiles.writeLines(file, List.of("a", "b", "c"));
        StringBuilder seen = new StringBuilder();
        long count = TextFiles.forEachLine(file, (n, line) -> seen.append(n).append(line));
        assertEquals(3, count);
        assertEquals("1a2b3c", seen.toString());
    }
}
