package dev.seqtoolkit.summarize.extractive;

import dev.seqtoolkit.summarize.SummaryLength;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SentenceSelectorTest {
    private static final List<String> SENTENCES = List.of("a b c", "d e", "f g h i", "j", "k l m n o");
    private static final double[] SCORES = {0.2, 0.9, 0.5, 0.9, 0.1};

    @Test
    void topKInDocumentOrderWithTiesToTheEarlierSentence() {
        SentenceSelector.Choice c = SentenceSelector.choose(SCORES, SENTENCES, SummaryLength.sentences(2), 9);
        assertArrayEquals(new int[] {1, 3}, c.indices());
        assertEquals(List.of("d e", "j"), c.sentences());
        assertArrayEquals(new int[] {1, 2, 3},
                SentenceSelector.choose(SCORES, SENTENCES, SummaryLength.defaults(), 3).indices());
        assertArrayEquals(new int[] {1}, SentenceSelector.choose(
                new double[] {0.2, 0.9, 0.5, 0.9, 0.1}, SENTENCES, SummaryLength.sentences(1), 3).indices());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4},
                SentenceSelector.choose(SCORES, SENTENCES, SummaryLength.sentences(10), 3).indices());
    }

    @Test
    void wordBudgetSkipsSentencesThatDoNotFit() {
        // by score: 1 (2 words), 3 (1), 2 (4), 0 (3), 4 (5)
        assertArrayEquals(new int[] {1, 3}, SentenceSelector.choose(SCORES, SENTENCES, SummaryLength.words(4), 3).indices());
        assertArrayEquals(new int[] {0, 1, 3},
                SentenceSelector.choose(SCORES, SENTENCES, SummaryLength.words(6), 3).indices(), "2 skipped, 0 fits");
        assertArrayEquals(new int[] {1, 2, 3}, SentenceSelector.choose(SCORES, SENTENCES, SummaryLength.words(7), 3).indices());
    }

    @Test
    void whenNothingFitsTheBestSentenceIsCut() {
        SentenceSelector.Choice c = SentenceSelector.choose(new double[] {0.1, 0.8}, List.of("a b c", "d e f g"),
                SummaryLength.words(2), 3);
        assertArrayEquals(new int[] {1}, c.indices());
        assertEquals(List.of("d e"), c.sentences());
    }

    @Test
    void lengthsAreChecked() {
        assertEquals("summary length SENTENCES needs a value >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> SummaryLength.sentences(0)).getMessage());
        assertEquals("summary length WORDS needs a value >= 1, got -3",
                assertThrows(IllegalArgumentException.class, () -> SummaryLength.words(-3)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SentenceSelector.choose(new double[2], SENTENCES, SummaryLength.defaults(), 1));
    }
}
