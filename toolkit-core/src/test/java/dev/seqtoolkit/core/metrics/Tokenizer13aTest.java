package dev.seqtoolkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected strings are the output of sacreBLEU 2.6.0's {@code Tokenizer13a()(line)} (source at
 * commit f615c72, run with Debian's python3) on the same inputs.
 */
class Tokenizer13aTest {

    private final Tokenizer13a tok = new Tokenizer13a();

    @Test
    void punctuationNumbersAndEntities() {
        assertEquals("Hello , world ! It's 3.14 -- or 1,000.5 & \" x \" < tag >",
                tok.tokenize("Hello, world! It's 3.14 -- or 1,000.5 &amp; &quot;x&quot; &lt;tag&gt;"));
    }

    @Test
    void symbolsAndDigitHyphens() {
        assertEquals("e-mail 2 - 3 a-b ( x ) [ y ] { z } ~ tilde ^ caret ` tick ` | pipe | back \\ slash",
                tok.tokenize("e-mail 2-3 a-b (x) [y] {z} ~tilde ^caret `tick` |pipe| back\\slash"));
        assertEquals("$ 5 # hash % pct @ at * star + plus = eq ? q ; semi : colon _ under",
                tok.tokenize("$5 #hash %pct @at *star +plus =eq ?q ;semi :colon _under"));
    }

    @Test
    void skippedMarkersAndLineBreaks() {
        assertEquals("linebreakhere next", tok.tokenize("line-\nbreak<skipped>here\nnext"));
    }

    @Test
    void periodsAndCommasAroundDigits() {
        assertEquals("U . S . A . costs 5.00 , 6,7 and 8 .", tok.tokenize("U.S.A. costs 5.00, 6,7 and 8."));
        assertEquals(List.of("U", ".", "S", "."), tok.tokens("U.S."));
    }

    @Test
    void whitespaceOnlyGivesNoTokens() {
        assertEquals("", tok.tokenize(" \t\u00a0 "));
        assertEquals(List.of(), tok.tokens(""));
    }
}
