package dev.seqtoolkit.core.hierarchy;

import ai.djl.ndarray.NDManager;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.text.Vocabulary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HierarchicalBatchTest {

    @Test
    void padsBothLevelsAndPacksRealSentences() {
        HierarchicalBatch b = HierarchicalBatch.of(List.of(
                List.of(new int[] {4, 5, 6}),
                List.of(new int[] {7}, new int[] {8, 9}, new int[] {10, 11, 12, 13, 14})));
        assertEquals(2, b.size());
        assertEquals(3, b.maxSentences());
        assertEquals(5, b.maxWords());
        assertEquals(4, b.sentenceCount());
        assertEquals(11, b.tokenCount());
        int[][][] cube = b.idsCube();
        assertArrayEquals(new int[] {4, 5, 6, 0, 0}, cube[0][0]);
        assertArrayEquals(new int[] {0, 0, 0, 0, 0}, cube[0][1]);
        assertArrayEquals(new int[] {10, 11, 12, 13, 14}, cube[1][2]);
        try (NDManager m = Engines.newManager()) {
            assertArrayEquals(new long[] {0, 4, 4, 1, 2, 3}, b.slotIndex(m).toLongArray());
            assertArrayEquals(new float[] {1, 0, 0, 1, 1, 1}, b.sentenceMask(m).toFloatArray());
            assertArrayEquals(new int[] {3, 1, 2, 5}, b.sentenceLengths(m).toIntArray());
            float[] mask = b.wordMask(m).toFloatArray();
            assertEquals(30, mask.length);
            float sum = 0;
            for (float v : mask) {
                sum += v;
            }
            assertEquals(11f, sum);
        }
    }

    @Test
    void refusesEmptyAndPaddingIds() {
        assertThrows(IllegalArgumentException.class, () -> HierarchicalBatch.of(List.of(List.of())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HierarchicalBatch.of(List.of(List.of(new int[] {4, 0}))));
        assertTrue(e.getMessage().contains("position 1"), e.getMessage());
    }

    @Test
    void batcherIsDeterministicAndCoversEveryDocument() {
        List<List<int[]>> docs = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            List<int[]> d = new ArrayList<>();
            for (int s = 0; s <= i % 4; s++) {
                d.add(new int[] {4 + s, 5, 6 + (i % 3)});
            }
            docs.add(d);
        }
        HierarchicalBatcher batcher = HierarchicalBatcher.builder().setBatchSize(5).optShuffle(true).optSeed(3)
                .optBucketWindow(10).build();
        List<HierarchicalBatch> a = batcher.batches(docs, 2);
        List<HierarchicalBatch> again = batcher.batches(docs, 2);
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).exampleIndices(), again.get(i).exampleIndices());
            assertTrue(a.get(i).size() <= 5);
            for (int x : a.get(i).exampleIndices()) {
                seen.add(x);
            }
        }
        Collections.sort(seen);
        for (int i = 0; i < 23; i++) {
            assertEquals(i, seen.get(i));
        }
    }

    @Test
    void twentyThousandWordDocumentIsTruncatedToTheBoundOrRefused() {
        Vocabulary vocab = Vocabulary.of(List.of("<pad>", "<unk>", "<bos>", "<eos>", "good", "."));
        List<List<String>> sentences = new ArrayList<>();
        for (int s = 0; s < 500; s++) {
            List<String> words = new ArrayList<>(Collections.nCopies(39, "good"));
            words.add(".");
            sentences.add(words);
        }
        EncodedDocument doc = EncodedDocument.of(sentences, vocab, DocumentLimits.defaults());
        assertEquals(64, doc.sentenceCount());
        assertEquals(64 * 40, doc.wordCount());
        assertEquals(500 - 64, doc.droppedSentences());
        assertEquals(20_000 - 64 * 40, doc.droppedWords());
        assertTrue(doc.wordCount() <= DocumentLimits.defaults().maxPositions());
        DocumentLimits refuse = new DocumentLimits(64, 100, DocumentLimits.Overflow.REFUSE);
        DocumentTooLongException e = assertThrows(DocumentTooLongException.class,
                () -> EncodedDocument.of(sentences, vocab, refuse));
        assertTrue(e.getMessage().contains("500 sentences (limit 64)"), e.getMessage());
        // one 20,000-word sentence: cut to 100 words
        EncodedDocument oneLine = EncodedDocument.of(List.of(new ArrayList<>(Collections.nCopies(20_000, "x"))), vocab,
                DocumentLimits.defaults());
        assertEquals(100, oneLine.wordCount());
        assertEquals(19_900, oneLine.droppedWords());
        assertEquals(100, oneLine.unknownWords());
    }

    @Test
    void emptyDocumentBecomesOneUnknownWord() {
        Vocabulary vocab = Vocabulary.of(List.of("<pad>", "<unk>", "<bos>", "<eos>"));
        EncodedDocument doc = EncodedDocument.of(List.of(List.of(), List.of()), vocab, DocumentLimits.defaults());
        assertTrue(doc.empty());
        assertEquals(1, doc.sentenceCount());
        assertArrayEquals(new int[] {Vocabulary.UNK_ID}, doc.ids().get(0));
        assertTrue(doc.tokens().isEmpty());
        assertFalse(doc.truncated());
        assertThrows(IllegalArgumentException.class, () -> new DocumentLimits(0, 5, DocumentLimits.Overflow.TRUNCATE));
        assertThrows(IllegalArgumentException.class, () -> new DocumentLimits(5, 1001, DocumentLimits.Overflow.TRUNCATE));
    }
}
