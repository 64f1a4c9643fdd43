package dev.seqtoolkit.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seqtoolkit.core.data.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Split names and files; the real corpora's documented counts when the data directory is present. */
class SummaryDatasetTest {

    private static DataDirectory data() {
        var found = DataDirectory.find();
        Assumptions.assumeTrue(found.isPresent() && found.get().exists("samsum/validation.csv"),
                "shared datasets not found");
        return found.get();
    }

    @Test
    void namesSplitsAndFiles(@TempDir Path dir) throws IOException {
        assertEquals(SummaryDataset.GIGAWORD, SummaryDataset.of(" Gigaword "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SummaryDataset.of("xsum"));
        assertTrue(e.getMessage().contains("xsum") && e.getMessage().contains("cnndm"), e.getMessage());
        assertEquals(List.of("train", "val"), SummaryDataset.CNNDM.splits());
        DataDirectory d = DataDirectory.of(dir);
        assertEquals(List.of(dir.resolve("gigaword-sample/rush_valid_first1k.article.txt").toAbsolutePath(),
                dir.resolve("gigaword-sample/rush_valid_first1k.title.txt").toAbsolutePath()),
                SummaryDataset.GIGAWORD.files(d, SummaryDataset.GIGAWORD.devSplit()));
        e = assertThrows(IllegalArgumentException.class, () -> SummaryDataset.SAMSUM.files(d, "test"));
        assertTrue(e.getMessage().contains("'test'") && e.getMessage().contains("validation"), e.getMessage());
        // a missing file names itself
        IOException missing = assertThrows(IOException.class, () -> SummaryDataset.SAMSUM.read(d, "validation", true));
        assertTrue(missing.getMessage().contains("samsum/validation.csv"), missing.getMessage());
    }

    @Test
    void samsumCountsAndOverlapAsTheReadmeStates() throws IOException {
        DataDirectory d = data();
        SummaryData.ReadResult train = SummaryDataset.SAMSUM.read(d, "train", true);
        assertEquals(14731, train.rowsRead());
        assertEquals(93, train.excluded());
        assertEquals(14638, train.examples().size());
        SummaryData.ReadResult kept = SummaryDataset.SAMSUM.read(d, "train", false);
        assertEquals(14731, kept.examples().size());
        List<SummaryExample> validation = SummaryDataset.SAMSUM.read(d, "validation", true).examples();
        assertEquals(818, validation.size());
        assertEquals("13817023", validation.get(0).id());
        assertEquals(17, Dialogue.parse(validation.get(0).document()).turns().size());
        Set<String> overlap = SummaryData.readIds(d.require(SummaryDataset.SAMSUM_OVERLAP_IDS));
        assertEquals(93, overlap.size());
        for (SummaryExample e : train.examples()) {
            assertTrue(!overlap.contains(e.id()), e.id());
        }
        // 11.2 turns per dialogue on average (README), one per line
        long turns = 0;
        for (SummaryExample e : kept.examples()) {
            turns += Sentences.turns(e.document()).size();
        }
        assertEquals(11.2, (double) turns / kept.examples().size(), 0.05);
    }

    @Test
    void cnndmAndGigawordCounts() throws IOException {
        DataDirectory d = data();
        List<SummaryExample> val = SummaryDataset.CNNDM.read(d, "val", true).examples();
        assertEquals(5000, val.size());
        assertEquals("12730", val.get(0).id());
        Set<String> ids = new HashSet<>();
        long highlights = 0;
        for (SummaryExample e : val) {
            ids.add(e.id());
            highlights += e.summary().split("\n").length;
        }
        assertEquals(5000, ids.size());
        assertEquals(4.1, (double) highlights / val.size(), 0.05);
        SummaryData.ReadResult giga = SummaryDataset.GIGAWORD.read(d, "rush_valid_first1k", true);
        assertEquals(1000, giga.rowsRead());
        assertEquals(1000 - giga.duplicates(), giga.examples().size());
        assertTrue(giga.duplicates() > 0 && giga.duplicates() < 50, "duplicates " + giga.duplicates());
        Path tfds = d.require("gigaword-sample/tfds_train_sample10k.article.txt");
        assertTrue(Files.readString(tfds).contains(" UNK "));
        for (SummaryExample e : SummaryDataset.GIGAWORD.read(d, "tfds_train_sample10k", true).examples()) {
            assertTrue(!(" " + e.document() + " ").contains(" UNK ") && !(" " + e.summary() + " ").contains(" UNK "), e.id());
        }
    }
}
