package dev.seqtoolkit.sentiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabeledFilesTest {

    @Test
    void readsSpaceAndTabFormats(@TempDir Path dir) throws IOException {
        Path sst = dir.resolve("stsa.binary.dev");
        Files.writeString(sst, "1 a gorgeous , witty movie .\n0 dull\n\n1 \n");
        List<LabeledText> s = LabeledFiles.read(sst, LabeledFiles.Format.AUTO, List.of("0", "1"));
        assertEquals(3, s.size());
        assertEquals("a gorgeous , witty movie .", s.get(0).text());
        assertEquals("", s.get(2).text());
        assertEquals(sst + ":4", s.get(2).source());
        Path tsv = dir.resolve("train.tsv");
        Files.writeString(tsv, "0\tBad film.<br />Really bad 1 2\n1\tGood.\n");
        List<LabeledText> t = LabeledFiles.read(tsv, LabeledFiles.Format.AUTO, List.of("0", "1"));
        assertEquals("Bad film.<br />Really bad 1 2", t.get(0).text());
        assertEquals("1", t.get(1).label());
    }

    @Test
    void labelOutsideTheDeclaredSetNamesTheLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("train.txt");
        Files.writeString(f, "1 fine\n0 not fine\n2 neutral-ish\n");
        IOException e = assertThrows(IOException.class, () -> LabeledFiles.read(f, LabeledFiles.Format.SPACE,
                List.of("0", "1")));
        assertTrue(e.getMessage().contains(f + ":3") && e.getMessage().contains("\"2\"")
                && e.getMessage().contains("[0, 1]"), e.getMessage());
        Path g = dir.resolve("g.tsv");
        Files.writeString(g, "1\tok\nno tab here\n");
        e = assertThrows(IOException.class, () -> LabeledFiles.read(g, LabeledFiles.Format.AUTO, List.of("0", "1")));
        assertTrue(e.getMessage().contains(g + ":2") && e.getMessage().contains("no tab"), e.getMessage());
    }
}
