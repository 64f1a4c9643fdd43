package dev.seqtoolkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RepeatedNgramsTest {

    @Test
    void loopingTextRepeatsHalfItsTrigrams() {
        // Trigrams: [the cat sat] [cat sat the] [sat the cat] then the same three again: 3 of 6.
        RepeatedNgrams r = RepeatedNgrams.count("the cat sat the cat sat the cat", 3);
        assertEquals(6, r.total());
        assertEquals(3, r.repeated());
        assertEquals(0.5, r.rate(), 0.0);
    }

    @Test
    void firstOccurrencesAreNotRepeats() {
        // Bigrams of "a b a b a": ab ba ab ba -> the 3rd and 4th are repeats.
        RepeatedNgrams r = RepeatedNgrams.count(List.of("a", "b", "a", "b", "a"), 2);
        assertEquals(4, r.total());
        assertEquals(2, r.repeated());
        assertEquals(0.0, RepeatedNgrams.count("one two three four", 1).rate(), 0.0);
    }

    @Test
    void shortTextHasNoNgramsAndRateZero() {
        RepeatedNgrams r = RepeatedNgrams.count("too short", 3);
        assertEquals(0, r.total());
        assertEquals(0.0, r.rate(), 0.0);
        assertEquals(0, RepeatedNgrams.count("   ", 1).total());
    }

    @Test
    void poolingSumsCounts() {
        RepeatedNgrams a = RepeatedNgrams.count("x x x", 1);
        RepeatedNgrams b = RepeatedNgrams.count("y z", 1);
        RepeatedNgrams both = a.plus(b);
        assertEquals(5, both.total());
        assertEquals(2, both.repeated());
        assertEquals(0.4, both.rate(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> a.plus(RepeatedNgrams.count("y z", 2)));
        assertThrows(IllegalArgumentException.class, () -> RepeatedNgrams.count("a", 0));
    }
}
