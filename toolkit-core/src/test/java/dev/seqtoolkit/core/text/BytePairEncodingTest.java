package dev.seqtoolkit.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seqtoolkit.core.data.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BytePairEncodingTest {

    @TempDir
    Path dir;

    /** Sennrich et al.'s example: low x5, lower x2, newest x6, widest x3. */
    private static List<List<String>> sennrich() {
        List<List<String>> sentences = new ArrayList<>();
        sentences.add(Collections.nCopies(5, "low"));
        sentences.add(Collections.nCopies(2, "lower"));
        sentences.add(Collections.nCopies(6, "newest"));
        sentences.add(Collections.nCopies(3, "widest"));
        return sentences;
    }

    @Test
    void mergesComputedByHand() {
        // Initial pair counts: (e,s)=9 and (s,t</w>)=9 tie -> "e" < "s" wins; then (es,t</w>)=9;
        // then (l,o)=7; then a three-way tie at 6 among (e,w), (n,e), (w,est</w>) -> (e,w);
        // then (ew,est</w>)=6 beats (n,ew)=6 because "ew" < "n".
        BytePairEncoding bpe = BytePairEncoding.learn(sennrich(), 5);
        List<String[]> merges = bpe.merges();
        assertEquals(5, merges.size());
        assertArrayEquals(new String[] {"e", "s"}, merges.get(0));
        assertArrayEquals(new String[] {"es", "t</w>"}, merges.get(1));
        assertArrayEquals(new String[] {"l", "o"}, merges.get(2));
        assertArrayEquals(new String[] {"e", "w"}, merges.get(3));
        assertArrayEquals(new String[] {"ew", "est</w>"}, merges.get(4));

        assertEquals(List.of("lo@@", "w@@", "est"), bpe.apply(List.of("lowest")));
        assertEquals(List.of("n@@", "ewest"), bpe.apply(List.of("newest")));
        assertEquals(List.of("lo@@", "w"), bpe.apply(List.of("low")));
    }

    @Test
    void stopsWhenPairsBecomeRare() {
        BytePairEncoding bpe = BytePairEncoding.learn(sennrich(), 1000);
        // every word is one symbol once frequent pairs are exhausted; no pair below frequency 2
        assertEquals(List.of("low", "lower", "newest", "widest"),
                bpe.apply(List.of("low", "lower", "newest", "widest")));
        assertTrue(bpe.numMerges() < 20, "merges: " + bpe.numMerges());
    }

    @Test
    void unseenWordsFallBackToCharacters() {
        BytePairEncoding bpe = BytePairEncoding.learn(sennrich(), 5);
        assertEquals(List.of("x@@", "y@@", "z"), bpe.apply(List.of("xyz")));
        assertEquals(List.of("q"), bpe.apply(List.of("q")));
        assertEquals(List.of("\uD83D\uDE00@@", "est"), bpe.apply(List.of("\uD83D\uDE00est")));
        assertThrows(IllegalArgumentException.class, () -> bpe.apply(List.of("bad@@")));
        assertThrows(IllegalArgumentException.class, () -> bpe.apply(List.of("")));
    }

    @Test
    void removeUndoesApplyAndRejectsDanglingMarker() {
        BytePairEncoding bpe = BytePairEncoding.learn(sennrich(), 5);
        List<String> words = List.of("the", "lowest", "newest", "widest", "@", "a@b", "x");
        assertEquals(words, BytePairEncoding.remove(bpe.apply(words)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BytePairEncoding.remove(List.of("lo@@", "w@@")));
        assertTrue(e.getMessage().contains("w@@"));
    }

    @Test
    void saveLoadKeepsSegmentation() throws IOException {
        BytePairEncoding bpe = BytePairEncoding.learn(sennrich(), 5);
        Path file = dir.resolve("bpe.json");
        bpe.save(file);
        BytePairEncoding loaded = BytePairEncoding.load(file);
        assertEquals(bpe.numMerges(), loaded.numMerges());
        List<String> words = List.of("lowest", "newer", "wider");
        assertEquals(bpe.apply(words), loaded.apply(words));

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"version\":1,\"merges\":[[\"a\"]]}");
        IOException e = assertThrows(IOException.class, () -> BytePairEncoding.load(bad));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("merge 0"), e.getMessage());
        Files.writeString(bad, "{\"version\":1,\"merges\":[],\"vocab\":3}");
        e = assertThrows(IOException.class, () -> BytePairEncoding.load(bad));
        assertTrue(e.getMessage().contains("vocab"), e.getMessage());
    }

    @Test
    void incrementalLearningEqualsFullRecount() {
        Random random = new Random(7);
        String letters = "aabbcdeeeilnorst";
        List<List<String>> sentences = new ArrayList<>();
        for (int s = 0; s < 60; s++) {
            List<String> sentence = new ArrayList<>();
            for (int w = 0; w < 9; w++) {
                StringBuilder word = new StringBuilder();
                int length = 1 + random.nextInt(7);
                for (int c = 0; c < length; c++) {
                    word.append(letters.charAt(random.nextInt(letters.length())));
                }
                sentence.add(word.toString());
            }
            sentences.add(sentence);
        }
        List<String[]> expected = naiveMerges(sentences, 150);
        List<String[]> actual = BytePairEncoding.learn(sentences, 150).merges();
        assertTrue(expected.size() > 50, "reference learned only " + expected.size() + " merges");
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "merge " + i);
        }
    }

    /** Reference learner: recounts every pair after every merge (slow but obviously right). */
    private static List<String[]> naiveMerges(List<List<String>> sentences, int maxMerges) {
        Map<List<String>, Long> words = new HashMap<>();
        for (List<String> sentence : sentences) {
            for (String token : sentence) {
                List<String> symbols = new ArrayList<>();
                for (char c : token.toCharArray()) {
                    symbols.add(String.valueOf(c));
                }
                symbols.set(symbols.size() - 1, symbols.get(symbols.size() - 1) + "</w>");
                words.merge(symbols, 1L, Long::sum);
            }
        }
        List<String[]> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            Map<List<String>, Long> pairs = new HashMap<>();
            words.forEach((symbols, count) -> {
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    pairs.merge(List.of(symbols.get(i), symbols.get(i + 1)), count, Long::sum);
                }
            });
            List<String> best = null;
            long bestCount = 0;
            for (Map.Entry<List<String>, Long> e : pairs.entrySet()) {
                List<String> p = e.getKey();
                long c = e.getValue();
                if (best == null || c > bestCount || (c == bestCount && (p.get(0).compareTo(best.get(0)) < 0
                        || (p.get(0).equals(best.get(0)) && p.get(1).compareTo(best.get(1)) < 0)))) {
                    best = p;
                    bestCount = c;
                }
            }
            if (best == null || bestCount < 2) {
                break;
            }
            merges.add(new String[] {best.get(0), best.get(1)});
            Map<List<String>, Long> next = new HashMap<>();
            for (Map.Entry<List<String>, Long> e : words.entrySet()) {
                List<String> symbols = e.getKey();
                List<String> merged = new ArrayList<>();
                for (int i = 0; i < symbols.size(); i++) {
                    if (i + 1 < symbols.size() && symbols.get(i).equals(best.get(0))
                            && symbols.get(i + 1).equals(best.get(1))) {
                        merged.add(best.get(0) + best.get(1));
                        i++;
                    } else {
                        merged.add(symbols.get(i));
                    }
                }
                next.merge(merged, e.getValue(), Long::sum);
            }
            words = next;
        }
        return merges;
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> BytePairEncoding.learn(sennrich(), -1));
        assertThrows(IllegalArgumentException.class, () -> BytePairEncoding.learn(sennrich(), 5, 0));
    }

    @Test
    void learnsTenThousandMergesOnMulti30kInSeconds() throws IOException {
        Optional<DataDirectory> data = DataDirectory.find();
        Assumptions.assumeTrue(data.isPresent() && data.get().exists("multi30k/train.en"),
                "multi30k not available");
        WhitespaceTokenizer tokenizer = WhitespaceTokenizer.create();
        List<List<String>> sentences = new ArrayList<>();
        for (String line : TextFiles.readLines(data.get().require("multi30k/train.en"))) {
            sentences.add(tokenizer.tokenize(line));
        }
        long start = System.nanoTime();
        BytePairEncoding bpe = BytePairEncoding.learn(sentences, 10_000);
        double learnSeconds = (System.nanoTime() - start) / 1e9;
        assertTrue(bpe.numMerges() > 5_000, "merges: " + bpe.numMerges());
        assertTrue(learnSeconds < 15, "learning took " + learnSeconds + " s");

        start = System.nanoTime();
        int pieces = 0;
        for (List<String> sentence : sentences) {
            List<String> subwords = bpe.apply(sentence);
            pieces += subwords.size();
            assertEquals(sentence, BytePairEncoding.remove(subwords));
        }
        double applySeconds = (System.nanoTime() - start) / 1e9;
        assertTrue(applySeconds < 10, "applying took " + applySeconds + " s");
        assertTrue(pieces > 300_000, "pieces: " + pieces);
        System.out.printf("BPE multi30k: %d merges learned in %.2f s, applied in %.2f s%n",
                bpe.numMerges(), learnSeconds, applySeconds);
    }
}
