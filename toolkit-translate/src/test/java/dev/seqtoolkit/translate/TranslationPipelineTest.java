package dev.seqtoolkit.translate;

import dev.seqtoolkit.core.text.BytePairEncoding;
import dev.seqtoolkit.core.text.TextFiles;
import dev.seqtoolkit.core.text.Vocabulary;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranslationPipelineTest {

    /**
     * Real Multi30k sentences: learned on 3,000 training pairs, each validation sentence of both
     * languages survives tokens -> BPE -> ids -> BPE removed exactly when no subword is unknown, and
     * detokenization restores nearly every raw line.
     */
    @Test
    void roundTripOnMulti30k() throws Exception {
        Path dir = Fixtures.multi30k();
        TextFiles.Parallel train = TextFiles.readParallel(dir.resolve("train.en"), dir.resolve("train.de"));
        TextFiles.Parallel val = TextFiles.readParallel(dir.resolve("val.en"), dir.resolve("val.de"));
        TranslationPipeline p = TranslationPipeline.learn(train.source().subList(0, 3000),
                train.target().subList(0, 3000), new TranslatorConfig.Pipeline(2000, true, false, 1, 0, 256));
        assertSame(p.sourceBpe(), p.targetBpe());
        int checked = 0;
        int exactText = 0;
        List<String> german = val.target().subList(0, 300);
        for (String line : german) {
            List<String> words = p.words(line);
            int[] ids = p.encodeTarget(line);
            List<String> pieces = p.targetPieces(ids, null, null);
            if (!pieces.contains(Vocabulary.UNK)) {
                assertEquals(words, BytePairEncoding.remove(pieces), line);
                checked++;
            }
            if (p.decodeTarget(ids).equals(line)) {
                exactText++;
            }
        }
        assertTrue(checked > 250, "only " + checked + " of 300 German lines had no unknown subword");
        assertTrue(exactText >= 0.9 * german.size(), "only " + exactText + " of 300 German lines came back exactly");
        for (String line : val.source().subList(0, 300)) {
            TranslationPipeline.EncodedSource s = p.encodeSource(line);
            assertEquals(s.subwords().size(), s.ids().length);
            assertEquals(p.words(line), BytePairEncoding.remove(s.subwords()), line);
        }
    }

    @Test
    void separateBpeLearnsPerLanguageAndVocabulariesDiffer() {
        List<String[]> pairs = Fixtures.pairs(100, 3);
        TranslationPipeline p = TranslationPipeline.learn(Fixtures.side(pairs, 0), Fixtures.side(pairs, 1),
                new TranslatorConfig.Pipeline(200, false, false, 1, 0, 256));
        assertNotSame(p.sourceBpe(), p.targetBpe());
        assertTrue(p.sourceVocabulary().contains("dog"), p.sourceVocabulary().tokens().toString());
        assertTrue(p.targetVocabulary().contains("Hund"), p.targetVocabulary().tokens().toString());
        assertTrue(!p.sourceVocabulary().contains("Hund"));
        assertEquals("Ein Hund rennt.", p.decodeTarget(p.encodeTarget("Ein Hund rennt.")));
    }

    @Test
    void lowercaseLowercasesBothSides() {
        List<String[]> pairs = Fixtures.pairs(50, 4);
        TranslationPipeline p = TranslationPipeline.learn(Fixtures.side(pairs, 0), Fixtures.side(pairs, 1),
                new TranslatorConfig.Pipeline(30, true, true, 1, 0, 256));
        assertEquals(List.of("a", "dog", "runs", "."), p.words("A DOG runs."));
        assertTrue(p.targetVocabulary().tokens().stream().noneMatch(t -> !t.startsWith("<") && !t.equals(t.toLowerCase())));
    }

    @Test
    void vocabularyLimitsApply() {
        List<String[]> pairs = Fixtures.pairs(100, 5);
        TranslationPipeline capped = TranslationPipeline.learn(Fixtures.side(pairs, 0), Fixtures.side(pairs, 1),
                new TranslatorConfig.Pipeline(30, true, false, 1, 12, 256));
        assertEquals(12, capped.sourceVocabulary().size());
        assertEquals(12, capped.targetVocabulary().size());
    }

    @Test
    void unknownCharactersAndMarkerWordsBecomeUnk() {
        TranslationPipeline p = Fixtures.copyPipeline();
        TranslationPipeline.EncodedSource s = p.encodeSource("A dog ☃ runs@@ .");
        // CoreNLP splits the marker off as its own token; BPE could not undo it, so it is <unk>
        assertEquals(List.of("A", "dog", "☃", "runs", "@@", "."), s.words());
        assertEquals(Vocabulary.UNK_ID, s.ids()[s.subwords().indexOf("☃")]);
        int marker = s.subwords().size() - 2;
        assertEquals(Vocabulary.UNK, s.subwords().get(marker));
        assertEquals(4, s.wordOfSubword()[marker]);
        assertEquals(Vocabulary.UNK_ID, s.ids()[marker]);
    }

    @Test
    void unknownOutputIsReplacedByTheMostAttendedSourceWord() {
        TranslationPipeline p = Fixtures.copyPipeline();
        TranslationPipeline.EncodedSource s = p.encodeSource("A ☃ runs");
        int dog = p.targetVocabulary().index("dog");
        int[] ids = {dog, Vocabulary.UNK_ID, Vocabulary.EOS_ID};
        float[] attendsSnowman = new float[s.ids().length];
        attendsSnowman[1] = 0.8f;
        attendsSnowman[0] = 0.2f;
        float[][] attention = {new float[s.ids().length], attendsSnowman, new float[s.ids().length]};
        assertEquals(List.of("dog", "☃"), p.targetPieces(ids, attention, s));
        assertEquals(List.of("dog", Vocabulary.UNK), p.targetPieces(ids, null, null));
        assertEquals("dog ☃", p.detokenize(p.targetPieces(ids, attention, s)));
    }

    @Test
    void overLongSourceIsRefusedNamingTheLimit() {
        TranslationPipeline p = Fixtures.copyPipeline();
        String thousand = String.join(" ", java.util.Collections.nCopies(1000, "dog"));
        SourceTooLongException e = assertThrows(SourceTooLongException.class, () -> p.encodeSource(thousand));
        assertEquals(256, e.limit());
        assertEquals(1000, e.length());
        assertTrue(e.getMessage().contains("at most 256") && e.getMessage().contains("pipeline.maxSourceTokens"),
                e.getMessage());
    }

    @Test
    void emptyTextGivesEmptySource() {
        TranslationPipeline.EncodedSource s = Fixtures.copyPipeline().encodeSource("   ");
        assertTrue(s.isEmpty());
        assertArrayEquals(new int[0], s.ids());
    }

    @Test
    void danglingContinuationMarkerIsDropped() {
        assertEquals("dog ru", Fixtures.copyPipeline().detokenize(List.of("dog", "ru@@")));
    }

    @Test
    void builderNamesMissingParts() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TranslationPipeline.builder().build());
        assertTrue(e.getMessage().contains("setSourceBpe") && e.getMessage().contains("setTargetVocabulary"), e.getMessage());
    }
}
