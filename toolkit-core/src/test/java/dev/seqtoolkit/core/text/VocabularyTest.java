package dev.seqtoolkit.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {

    @TempDir
    Path dir;

    private static Vocabulary small() {
        return Vocabulary.builder()
                .add(List.of("the", "cat", "sat", "on", "the", "mat"))
                .add(List.of("the", "dog", "sat", "<unk>"))
                .build();
    }

    @Test
    void reservedIdsThenCountDescendingThenOrdinal() {
        Vocabulary v = small();
        // the:3, sat:2, then count 1 in ordinal order: cat dog mat on
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "the", "sat", "cat", "dog", "mat", "on"),
                v.tokens());
        assertEquals(10, v.size());
        assertEquals(4, v.index("the"));
        assertEquals(Vocabulary.UNK_ID, v.index("zebra"));
        assertEquals(Vocabulary.UNK_ID, v.index("<unk>"));
        assertTrue(v.contains("mat"));
        assertFalse(v.contains("zebra"));
        assertEquals("sat", v.token(5));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> v.token(10));
        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("size 10"));
    }

    @Test
    void ordinalOrderPutsUppercaseFirst() {
        Vocabulary v = Vocabulary.builder().add(List.of("b", "a", "B", "\u00e9")).build();
        assertEquals(List.of("B", "a", "b", "\u00e9"), v.tokens().subList(4, 8));
    }

    @Test
    void minCountAndMaxSize() {
        Vocabulary v = Vocabulary.builder()
                .add(List.of("a", "a", "a", "b", "b", "c", "d", "d"))
                .optMinCount(2).build();
        assertEquals(List.of("a", "b", "d"), v.tokens().subList(4, 7));
        Vocabulary capped = Vocabulary.builder()
                .add(List.of("a", "a", "a", "b", "b", "c", "d", "d"))
                .optMaxSize(6).build();
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "a", "b"), capped.tokens());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.builder().optMinCount(0).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vocabulary.builder().optMaxSize(3).build());
        assertTrue(e.getMessage().contains("3"));
        Vocabulary fromCounts = Vocabulary.builder().addCount("x", 5).addCount("y", 7).build();
        assertEquals(List.of("y", "x"), fromCounts.tokens().subList(4, 6));
    }

    @Test
    void encodeDecodeRoundTripAndUnknownCounting() {
        Vocabulary v = small();
        List<String> sentence = List.of("the", "cat", "sat", "on", "the", "mat");
        int[] ids = v.encode(sentence);
        assertArrayEquals(new int[] {4, 6, 5, 9, 4, 8}, ids);
        assertEquals(sentence, v.decode(ids, false));

        EncodeStats stats = new EncodeStats();
        int[] withUnknown = v.encode(List.of("the", "zebra", "sat", "quietly"), stats);
        v.encode(List.of("the"), stats);
        assertArrayEquals(new int[] {4, 1, 5, 1}, withUnknown);
        assertEquals(5, stats.tokens());
        assertEquals(2, stats.unknown());
        assertEquals(0.4, stats.unknownRate(), 1e-12);
    }

    @Test
    void decodeStripsSpecialsAndStopsAtEos() {
        Vocabulary v = small();
        int[] ids = {Vocabulary.BOS_ID, 4, 6, Vocabulary.UNK_ID, Vocabulary.EOS_ID, 5, 0, 0};
        assertEquals(List.of("the", "cat", "<unk>"), v.decode(ids, true));
        assertEquals(List.of("<bos>", "the", "cat", "<unk>", "<eos>", "sat", "<pad>", "<pad>"), v.decode(ids, false));
    }

    @Test
    void saveLoadRoundTripKeepsHash() throws IOException {
        Vocabulary v = small();
        Path file = dir.resolve("vocab.json");
        v.save(file);
        Vocabulary loaded = Vocabulary.load(file);
        assertEquals(v, loaded);
        assertEquals(v.sha256(), loaded.sha256());
        assertEquals(64, v.sha256().length());
        assertNotEquals(v.sha256(), Vocabulary.builder().add(List.of("the", "cat")).build().sha256());
        // the hash is the documented one: length-prefixed UTF-8 tokens
        assertEquals(Vocabulary.hash(v.tokens()), v.sha256());
        assertNotEquals(Vocabulary.hash(List.of("ab", "c")), Vocabulary.hash(List.of("a", "bc")));
    }

    @Test
    void loadErrorsNameTheFileAndProblem() throws IOException {
        Path missing = dir.resolve("missing.json");
        assertThrows(NoSuchFileException.class, () -> Vocabulary.load(missing));

        assertLoadFails("broken.json", "{\"version\":1, \"tokens\": [\"<pad>\"", "malformed");
        assertLoadFails("unknown.json",
                "{\"version\":1,\"tokens\":[\"<pad>\",\"<unk>\",\"<bos>\",\"<eos>\"],\"extra\":2}", "extra");
        assertLoadFails("noreserved.json", "{\"version\":1,\"tokens\":[\"<pad>\",\"<unk>\",\"a\"]}",
                "<bos>");
        assertLoadFails("dup.json",
                "{\"version\":1,\"tokens\":[\"<pad>\",\"<unk>\",\"<bos>\",\"<eos>\",\"a\",\"b\",\"a\"]}",
                "duplicate token 'a' at ids 4 and 6");
        assertLoadFails("version.json", "{\"version\":9,\"tokens\":[\"<pad>\",\"<unk>\",\"<bos>\",\"<eos>\"]}",
                "version 9");
        assertLoadFails("hash.json",
                "{\"version\":1,\"sha256\":\"00\",\"tokens\":[\"<pad>\",\"<unk>\",\"<bos>\",\"<eos>\"]}", "sha256");
        assertLoadFails("notokens.json", "{\"version\":1}", "tokens");
    }

    @Test
    void pennTreebankVocabularyMatchesTheBook() throws IOException {
        java.util.Optional<dev.seqtoolkit.core.data.DataDirectory> data = dev.seqtoolkit.core.data.DataDirectory.find();
        org.junit.jupiter.api.Assumptions.assumeTrue(data.isPresent() && data.get().exists("ptb/ptb.train.txt"),
                "PTB not available");
        WhitespaceTokenizer tokenizer = WhitespaceTokenizer.create();
        VocabularyBuilder builder = Vocabulary.builder().optMinCount(10);
        for (String line : TextFiles.readLines(data.get().require("ptb/ptb.train.txt"))) {
            builder.add(tokenizer.tokenize(line));
        }
        Vocabulary v = builder.build();
        // d2l (word2vec chapter): Vocab(ptb, min_freq=10) has 6719 entries = <unk> + 6718 words;
        // PTB's own <unk> maps onto our reserved id, so we have 4 reserved + 6718 words.
        assertEquals(4 + 6718, v.size());
        assertEquals("the", v.token(4));
        assertEquals(Vocabulary.UNK_ID, v.index("<unk>"));
        EncodeStats stats = new EncodeStats();
        v.encode(tokenizer.tokenize("the <unk> company said zyzzyva"), stats);
        assertEquals(2, stats.unknown());
    }

    private void assertLoadFails(String name, String json, String expected) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, json);
        IOException e = assertThrows(IOException.class, () -> Vocabulary.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
