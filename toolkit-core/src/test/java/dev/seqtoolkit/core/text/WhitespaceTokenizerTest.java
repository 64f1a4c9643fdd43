package dev.seqtoolkit.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WhitespaceTokenizerTest {

    @Test
    void splitsOnAnyWhitespaceRun() {
        WhitespaceTokenizer t = WhitespaceTokenizer.create();
        assertEquals(List.of("they", "wo", "n't", "sit", "<unk>", "."),
                t.tokenize("  they wo\tn't\n sit  <unk> .  "));
        assertEquals(List.of(), t.tokenize(" \t\n"));
    }

    @Test
    void lowercasingAndRoundTripOfPreTokenizedText() {
        String line = "a stirring , funny and finally transporting re-imagining of Beauty";
        assertEquals(line, WhitespaceTokenizer.create().detokenize(WhitespaceTokenizer.create().tokenize(line)));
        assertEquals("beauty", WhitespaceTokenizer.lowercasing().tokenize(line).get(9));
    }

    @Test
    void noBreakSpaceStaysInsideToken() {
        assertEquals(List.of("3\u00a01/2", "cups"), WhitespaceTokenizer.create().tokenize("3\u00a01/2 cups"));
    }
}
