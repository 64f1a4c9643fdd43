package dev.seqtoolkit.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    static final String DIALOGUE = "Amanda: I baked cookies. Do you want some?\nJerry: Sure!\n\n"
            + "Amanda: I'll bring you tomorrow :-)\nJerry: Thanks. See you.\n";

    @Test
    void leadThreeOnADialogueIsTheFirstThreeTurns() {
        // Gliwa et al. 2019: SAMSum's LEAD-3 = the first three utterances, whatever their sentence count
        String expected = "Amanda: I baked cookies. Do you want some?\nJerry: Sure!\nAmanda: I'll bring you tomorrow :-)";
        assertEquals(expected, Baselines.lead(DIALOGUE, DocumentFormat.DIALOGUE, 3));
        assertEquals(expected, Baselines.lead(DIALOGUE, 3)); // detected as a dialogue
        assertEquals(DIALOGUE.strip().replace("\n\n", "\n"), Baselines.lead(DIALOGUE, DocumentFormat.DIALOGUE, 10));
    }

    @Test
    void leadOnNewsIsTheFirstSentencesOnePerLine() {
        String tokenized = "the storm hit florida on monday . three people died . power is out '' . "
                + "officials said more rain is coming .";
        assertEquals("the storm hit florida on monday .\nthree people died .\npower is out '' .",
                Baselines.lead(tokenized, DocumentFormat.TOKENIZED, 3));
        assertEquals(Baselines.lead(tokenized, DocumentFormat.TOKENIZED, 3), Baselines.lead(tokenized, 3));
        String plain = "The storm hit Florida on Monday. Three people died in St. Petersburg. Power is out. More rain is coming.";
        assertEquals("The storm hit Florida on Monday.\nThree people died in St. Petersburg.\nPower is out.",
                Baselines.lead(plain, 3));
    }

    @Test
    void firstWordsCountsWhitespaceTokens() {
        assertEquals("five-time world champion michelle kwan withdrew from the",
                Baselines.firstWords("five-time world champion michelle kwan withdrew from the #### us figure skating", 8));
        assertEquals("a b c", Baselines.firstWords("  a\nb \t c ", 8));
        assertEquals("Amanda: I", Baselines.firstWords(DIALOGUE, 2));
    }

    @Test
    void emptyAndOneSentenceDocuments() {
        for (DocumentFormat f : DocumentFormat.values()) {
            assertEquals("", Baselines.lead("", f, 3), f.name());
            assertEquals("", Baselines.lead(" \n\t ", f, 3), f.name());
        }
        assertEquals("", Baselines.lead("", 3));
        assertEquals("", Baselines.firstWords("", 8));
        assertEquals("", Baselines.firstWords("  \n ", 8));
        assertEquals("Only one sentence here.", Baselines.lead("Only one sentence here.", 3));
        assertEquals("only one sentence here .", Baselines.lead("only one sentence here .", DocumentFormat.TOKENIZED, 3));
        assertEquals("A: just one turn", Baselines.lead("A: just one turn", DocumentFormat.DIALOGUE, 3));
        assertThrows(IllegalArgumentException.class, () -> Baselines.lead("a .", 0));
        assertThrows(IllegalArgumentException.class, () -> Baselines.firstWords("a", -1));
    }

    @Test
    void fiftyThousandWordDocumentsAreFineInEveryFormat() {
        // 50,000 words in 5,000 ten-word sentences (tokenized / plain) or turns (dialogue), and one
        // 50,000-word sentence with no boundary at all. Lead reads only the prefix it needs (plain
        // text: CoreNLP on a doubling prefix); the timeouts are generous bounds for a shared machine.
        StringBuilder tok = new StringBuilder();
        StringBuilder plain = new StringBuilder();
        StringBuilder dialogue = new StringBuilder();
        StringBuilder run = new StringBuilder();
        for (int s = 0; s < 5000; s++) {
            tok.append("w").append(s).append(" a b c d e f g h i .").append(' ');
            plain.append("Word").append(s).append(" the cat sat on a mat near the door. ");
            dialogue.append("P").append(s % 3).append(": w").append(s).append(" b c d e f g h i j\n");
        }
        for (int w = 0; w < 50_000; w++) {
            run.append("w").append(w).append(' ');
        }
        assertEquals(50_000, tok.toString().split("\\s+").length - 5000); // the 5,000 "." are not words
        assertEquals(50_000, plain.toString().split("\\s+").length);
        assertEquals(50_000, dialogue.toString().split("\\s+").length - 5000); // nor the speakers
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            assertEquals("w0 a b c d e f g h i .\nw1 a b c d e f g h i .\nw2 a b c d e f g h i .",
                    Baselines.lead(tok.toString(), DocumentFormat.TOKENIZED, 3));
            assertEquals("Word0 the cat sat on a mat near the door.\nWord1 the cat sat on a mat near the door.\n"
                            + "Word2 the cat sat on a mat near the door.",
                    Baselines.lead(plain.toString(), DocumentFormat.PLAIN, 3));
            assertEquals("P0: w0 b c d e f g h i j\nP1: w1 b c d e f g h i j\nP2: w2 b c d e f g h i j",
                    Baselines.lead(dialogue.toString(), DocumentFormat.DIALOGUE, 3));
            assertEquals(DocumentFormat.DIALOGUE, DocumentFormat.detect(dialogue.toString()));
            assertEquals("w0 w1 w2 w3 w4 w5 w6 w7", Baselines.firstWords(run.toString(), 8));
            // no boundary: the single sentence is the whole document, in every format
            String whole = run.toString().strip();
            assertEquals(whole, Baselines.lead(run.toString(), DocumentFormat.TOKENIZED, 3));
            assertEquals(whole, Baselines.lead(run.toString(), DocumentFormat.DIALOGUE, 3));
            String viaCoreNlp = Baselines.lead(run.toString(), DocumentFormat.PLAIN, 3);
            assertEquals(50_000, viaCoreNlp.split("\\s+").length);
            assertTrue(viaCoreNlp.startsWith("w0 w1 ") && viaCoreNlp.endsWith("w49999"));
        });
    }
}
