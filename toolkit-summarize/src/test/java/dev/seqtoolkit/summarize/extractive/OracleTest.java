package dev.seqtoolkit.summarize.extractive;

import dev.seqtoolkit.core.metrics.Rouge;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OracleTest {
    private static final List<String> DOC = List.of(
            "The cat sat on the mat.",
            "Dogs bark loudly at night.",
            "The stock market fell sharply today.",
            "A bird sang in the old tree.",
            "Rain is expected tomorrow in the north.");

    @Test
    void aReferenceEqualToOneSentenceSelectsExactlyThatSentence() {
        Oracle.Selection s = Oracle.of(3).select(DOC, List.of("The stock market fell sharply today."));
        assertArrayEquals(new int[] {2}, s.indices());
        assertEquals(1.0, s.score(), 1e-12);
    }

    @Test
    void addsSentencesWhileTheyHelpAndReturnsThemInDocumentOrder() {
        // the reference draws on sentences 4 and 0; sentence 4 covers more of it, so it comes first
        List<String> reference = List.of("Rain is expected tomorrow in the north.", "The cat sat.");
        Oracle.Selection s = Oracle.of(3).select(DOC, reference);
        assertArrayEquals(new int[] {0, 4}, s.indices());
        Oracle.Selection first = Oracle.of(1).select(DOC, reference);
        assertArrayEquals(new int[] {4}, first.indices(), "the greedy first pick");
    }

    @Test
    void theCapLimitsTheSelection() {
        List<String> reference = List.of(DOC.get(1), DOC.get(2), DOC.get(3));
        assertArrayEquals(new int[] {1, 2, 3}, Oracle.of(3).select(DOC, reference).indices());
        assertEquals(1.0, Oracle.of(3).select(DOC, reference).score(), 1e-12);
        assertEquals(2, Oracle.of(2).select(DOC, reference).indices().length);
        assertEquals(1, Oracle.of(1).select(DOC, reference).indices().length);
    }

    @Test
    void noOverlapOrNoSentencesSelectsNothing() {
        assertArrayEquals(new int[0], Oracle.of(3).select(DOC, List.of("zebras quietly graze")).indices());
        assertEquals(0.0, Oracle.of(3).select(DOC, List.of("zebras quietly graze")).score());
        assertArrayEquals(new int[0], Oracle.of(3).select(List.of(), List.of("a reference")).indices());
        assertArrayEquals(new float[] {0, 0, 0, 0, 0}, Oracle.of(3).labels(DOC, List.of()));
    }

    @Test
    void tiesGoToTheEarliestSentenceAndDuplicatesAddNothing() {
        List<String> doc = List.of("nothing here", "the market fell", "more filler text", "the market fell");
        assertArrayEquals(new int[] {1}, Oracle.of(3).select(doc, List.of("the market fell")).indices());
        assertArrayEquals(new float[] {0, 1, 0, 0}, Oracle.of(3).labels(doc, List.of("the market fell")));
    }

    @Test
    void stemmingMatchesInflectedForms() {
        List<String> doc = List.of("stocks were falling", "cats are running");
        assertArrayEquals(new int[] {1}, Oracle.of(1, true).select(doc, List.of("the cat runs")).indices());
        assertArrayEquals(new int[0], Oracle.of(1, false).select(doc, List.of("a cat runs")).indices(),
                "without stemming cats/cat and running/runs differ");
    }

    @Test
    void theObjectiveIsRougeOneAndTwoOfTheSelectionInDocumentOrder() {
        Rouge rouge = Rouge.builder().build();
        Random random = new Random(7);
        String[] words = {"the", "a", "market", "fell", "rose", "cats", "running", "rain", "north", "today", "sharply"};
        for (int trial = 0; trial < 30; trial++) {
            List<String> doc = new ArrayList<>();
            for (int s = 0; s < 2 + random.nextInt(6); s++) {
                doc.add(sentence(random, words, 2 + random.nextInt(7)));
            }
            List<String> reference = List.of(sentence(random, words, 3 + random.nextInt(8)),
                    sentence(random, words, 2 + random.nextInt(4)));
            Oracle.Selection s = Oracle.of(1 + random.nextInt(4)).select(doc, reference);
            List<String> chosen = new ArrayList<>();
            for (int i : s.indices()) {
                chosen.add(doc.get(i));
            }
            double expected = chosen.isEmpty() ? 0.0
                    : (rouge.rougeN(chosen, reference, 1).f1() + rouge.rougeN(chosen, reference, 2).f1()) / 2;
            assertEquals(expected, s.score(), 1e-12, "trial " + trial + ": " + doc + " vs " + reference);
            for (int i = 1; i < s.indices().length; i++) {
                assertEquals(true, s.indices()[i - 1] < s.indices()[i], "increasing indices");
            }
        }
    }

    @Test
    void badArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Oracle.of(0));
        assertEquals("the oracle needs maxSentences >= 1, got 0", e.getMessage());
    }

    private static String sentence(Random random, String[] words, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
        }
        return sb.toString();
    }
}
