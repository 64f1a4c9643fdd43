package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.hierarchy.DocumentLimits;
import dev.seqtoolkit.core.hierarchy.DocumentTooLongException;
import dev.seqtoolkit.core.nn.CellType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny hierarchical (GRU) model trained once on synthetic documents whose cue sits in one sentence. */
class DocumentSentimentClassifierTest {
    static SentimentConfig config;
    static DocumentSentimentClassifier model;
    static List<LabeledText> dev;

    @BeforeAll
    static void train() throws IOException {
        config = DocumentSentimentClassifier.builder().setLabels(List.of("neg", "pos")).optCell(CellType.GRU)
                .optEmbeddingSize(10).optHiddenSize(7).optSentenceHiddenSize(5).optDropout(0f).optEpochs(8)
                .optBatchSize(16).optLearningRate(0.02f).optMaxSentences(6).optMaxWordsPerSentence(12).build();
        dev = Synthetic.documents(50, 12);
        model = DocumentSentimentClassifier.train(config, Synthetic.documents(200, 11), dev, TrainingOptions.defaults());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void fitsSyntheticDocumentsAboveNinetyPercent() {
        Evaluation e = model.evaluate(dev);
        assertTrue(e.accuracy() > 0.9, "accuracy " + e.accuracy() + "\n" + e.report().toText());
        assertEquals(0, e.truncatedTexts());
    }

    @Test
    void predictionHasSentencesFromTheSplitterWithBothLevelsOfAttention() {
        Prediction p = model.predict("The plot was dull. It was a film.\n\nThis story was the movie!");
        assertEquals(3, p.sentences().size(), p.sentences().toString());
        assertEquals(List.of("the", "plot", "was", "dull", "."), p.sentences().get(0).tokens());
        double total = 0;
        for (SentenceAttention s : p.sentences()) {
            total += s.weight();
            assertEquals(s.tokens().size(), s.wordWeights().length);
            assertEquals(1.0, Arrays.stream(s.wordWeights()).sum(), 1e-5);
        }
        assertEquals(1.0, total, 1e-5);
        assertEquals("neg", p.label());
    }

    @Test
    void htmlBreaksSplitSentences() {
        Prediction p = model.predict("it was good<br /><br />the movie");
        assertEquals(2, p.sentences().size(), p.sentences().toString());
    }

    @Test
    void twentyThousandWordDocumentStaysWithinTheBoundOrIsRefused() throws IOException {
        StringBuilder doc = new StringBuilder();
        for (int s = 0; s < 1000; s++) {
            // 19 words and a full stop: 20 tokens per sentence, 20,000 in all
            doc.append("the movie was good and the plot was fun and the story was lovely this film it was good . ");
        }
        Prediction p = model.predict(doc.toString());
        assertEquals(6, p.sentences().size());
        assertEquals(6 * 12, p.tokens().size());
        assertEquals(1000 - 6, p.droppedSentences());
        assertEquals(20_000 - 6 * 12, p.droppedWords());
        assertEquals("pos", p.label());
        SentimentConfig refusing = config.toBuilder().optOverflow(DocumentLimits.Overflow.REFUSE).optEpochs(1).build();
        try (DocumentSentimentClassifier strict = DocumentSentimentClassifier.train(refusing, Synthetic.documents(10, 3),
                Synthetic.documents(4, 4), TrainingOptions.defaults())) {
            DocumentTooLongException e = assertThrows(DocumentTooLongException.class, () -> strict.predict(doc.toString()));
            assertTrue(e.getMessage().contains("1000 sentences (limit 6)"), e.getMessage());
        }
    }

    @Test
    void badInput() {
        Prediction empty = model.predict("");
        assertTrue(empty.empty());
        assertTrue(empty.sentences().isEmpty());
        for (String text : List.of("!!! ??? ...", "xyzzy plugh.", "Ein sehr schöner Film. Wirklich.", "映画はとても良かった。")) {
            Prediction p = model.predict(text);
            assertEquals(1.0, Arrays.stream(p.probabilities()).sum(), 1e-5, text);
        }
    }

    @Test
    void saveAndLoadGiveIdenticalPredictions(@TempDir Path dir) throws IOException {
        model.save(dir.resolve("doc"));
        List<String> texts = List.of("The plot was dull. It was a film.", "A superb story!", "");
        try (DocumentSentimentClassifier loaded = DocumentSentimentClassifier.load(dir.resolve("doc"))) {
            List<Prediction> a = model.predict(texts);
            List<Prediction> b = loaded.predict(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(a.get(i).probabilities(), b.get(i).probabilities(), 0.0, "text " + i);
                for (int s = 0; s < a.get(i).sentences().size(); s++) {
                    assertEquals(a.get(i).sentences().get(s).weight(), b.get(i).sentences().get(s).weight(), 0.0);
                }
            }
        }
        assertThrows(IOException.class, () -> SentimentClassifier.load(dir.resolve("doc")));
    }
}
