package dev.seqtoolkit.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentencesTest {

    @Test
    void tokenizedTextIsSplitWithoutTouchingTokens() {
        String article = "`` we 're not done , '' he said . the u.s. team did n't win ! ( it lost . ) why ? ? "
                + "she asked : `` really ? '' yes";
        assertEquals(List.of("`` we 're not done , '' he said .", "the u.s. team did n't win !", "( it lost . )",
                "why ? ?", "she asked : `` really ? ''", "yes"), Sentences.splitTokenized(article));
        // line breaks end sentences; whitespace runs become one space
        assertEquals(List.of("one two", "three .", "four"), Sentences.splitTokenized("  one   two\nthree .\r\n\n four  "));
        assertTrue(Sentences.splitTokenized(" \n ").isEmpty());
    }

    @Test
    void plainTextGoesThroughCoreNlpAndKeepsTheSourceCharacters() {
        String text = "Mr. Smith went to Washington. He didn't stay long!\nA new paragraph (without a period)\n\"Quoted,\" she said.";
        assertEquals(List.of("Mr. Smith went to Washington.", "He didn't stay long!", "A new paragraph (without a period)",
                "\"Quoted,\" she said."), Sentences.splitPlain(text));
        assertTrue(Sentences.splitPlain("").isEmpty());
    }

    @Test
    void dialogueSentencesAreTurns() {
        assertEquals(List.of("A: hi. how are you?", "B: fine", "no speaker here"),
                Sentences.split("A: hi. how are you?\r\n\n  B: fine  \nno speaker here\n", DocumentFormat.DIALOGUE));
    }

    @Test
    void firstReadsAPrefixButAgreesWithTheFullSplit() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            sb.append("Dr. Jones met Mr. Lee at 5 p.m. on Jan. ").append(i).append(". They talked about U.S. policy!");
            sb.append(i % 7 == 0 ? "\n" : " ");
        }
        String doc = sb.toString();
        List<String> all = Sentences.split(doc, DocumentFormat.PLAIN);
        for (int n : new int[] {1, 3, 5, 40, 799, 800, 5000}) {
            assertEquals(all.subList(0, Math.min(n, all.size())), Sentences.first(doc, DocumentFormat.PLAIN, n), "n=" + n);
        }
        String tokenized = "a b . c ! d ? '' e f .\ng h";
        List<String> allTok = Sentences.split(tokenized, DocumentFormat.TOKENIZED);
        assertEquals(List.of("a b .", "c !", "d ? ''", "e f .", "g h"), allTok);
        for (int n = 1; n <= 6; n++) {
            assertEquals(allTok.subList(0, Math.min(n, allTok.size())), Sentences.first(tokenized, DocumentFormat.TOKENIZED, n));
        }
        assertThrows(IllegalArgumentException.class, () -> Sentences.first("a .", DocumentFormat.TOKENIZED, 0));
    }

    @Test
    void noSentenceIsBlankOrHoldsALineBreak() {
        for (DocumentFormat f : DocumentFormat.values()) {
            for (String s : Sentences.split("First line.\n\n\nSecond line. Third one!\r\n  \nA: fourth", f)) {
                assertTrue(!s.isBlank() && s.indexOf('\n') < 0 && s.indexOf('\r') < 0, f + ": '" + s + "'");
            }
        }
    }

    @Test
    void formatDetection() {
        assertEquals(DocumentFormat.DIALOGUE, DocumentFormat.detect("A: hi\nB: hello. how are you ?\n"));
        assertEquals(DocumentFormat.TOKENIZED, DocumentFormat.detect("the cat sat . it slept ."));
        assertEquals(DocumentFormat.PLAIN, DocumentFormat.detect("The cat sat. It slept."));
        // one line with a colon is not a dialogue; nor is text where some line has no speaker
        assertEquals(DocumentFormat.PLAIN, DocumentFormat.detect("Update: the cat sat. It slept."));
        assertEquals(DocumentFormat.PLAIN, DocumentFormat.detect("A: hi\nthen silence."));
        assertEquals(DocumentFormat.PLAIN, DocumentFormat.detect(""));
    }
}
