package dev.seqtoolkit.summarize.abstractive;

import dev.seqtoolkit.core.text.CoreNlpTokenizer;
import dev.seqtoolkit.core.text.Vocabulary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dialogue tokens with turn separators, cutting, reserved spellings, extended ids and the way back. */
class AbstractiveTextTest {
    private static final AbstractiveConfig.Text OPTIONS = new AbstractiveConfig.Text(true, true, 12, 4, 100, 1);
    private static CoreNlpTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = AbstractiveText.tokenizer(OPTIONS);
    }

    @Test
    void linesOfADialogueAreSeparatedByTurnTokens() {
        AbstractiveText.Tokens t = AbstractiveText.document(tokenizer, OPTIONS, "Amanda: Hi!\n\nJerry: Hi, Amanda.\n");
        assertEquals(List.of("amanda", ":", "hi", "!", "<turn>", "jerry", ":", "hi", ",", "amanda", "."), t.tokens());
        assertFalse(t.truncated());
        AbstractiveConfig.Text noTurns = new AbstractiveConfig.Text(false, false, 12, 4, 100, 1);
        CoreNlpTokenizer cased = AbstractiveText.tokenizer(noTurns);
        assertEquals(List.of("Amanda", ":", "Hi", "!", "Jerry", ":", "Hi", ",", "Amanda", "."),
                AbstractiveText.document(cased, noTurns, "Amanda: Hi!\r\nJerry: Hi, Amanda.").tokens());
    }

    @Test
    void documentsAndSummariesAreCutAndReservedSpellingsNeutralised() {
        AbstractiveText.Tokens d = AbstractiveText.document(tokenizer, OPTIONS, "a b c d e f g\nh i j k l m n");
        assertEquals(12, d.tokens().size());
        assertTrue(d.truncated());
        AbstractiveText.Tokens s = AbstractiveText.summary(tokenizer, OPTIONS, "one two\nthree four five");
        assertEquals(List.of("one", "two", "three", "four"), s.tokens());
        assertTrue(s.truncated());
        assertEquals(List.of("x", "<unk>", "y"), AbstractiveText.summary(tokenizer, OPTIONS, "x <eos> y").tokens());
    }

    @Test
    void copyIdsGoBackToTheSourceWords() {
        Vocabulary vocabulary = Vocabulary.of(List.of(Vocabulary.PAD, Vocabulary.UNK, Vocabulary.BOS,
                Vocabulary.EOS, ":", "hi", "<turn>", "meets"));
        AbstractiveText text = new AbstractiveText(OPTIONS, tokenizer, vocabulary, true);
        AbstractiveText.Source source = text.source("Zorbel: hi\nQuaxo: hi");
        // zorbel and quaxo are unknown: 8 and 9 in this document
        assertArrayEquals(new int[] {8, 4, 5, 6, 9, 4, 5}, source.ids());
        assertArrayEquals(new int[] {8, 7, 9, 1}, text.target(source, List.of("zorbel", "meets", "quaxo", "bob")));
        assertEquals("zorbel meets quaxo", text.text(source, new int[] {8, 6, 7, 9}));
        AbstractiveText plain = new AbstractiveText(OPTIONS, tokenizer, vocabulary, false);
        assertArrayEquals(new int[] {1, 4, 5, 6, 1, 4, 5}, plain.source("Zorbel: hi\nQuaxo: hi").ids());
    }
}
