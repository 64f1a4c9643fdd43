package dev.seqtoolkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * gold = [a a b b c c c], predicted = [a b b b c a b]. Confusion [gold][pred]: a: [1 1 0], b: [0 2
 * 0], c: [1 1 1]. Accuracy 4/7. a: P 1/2 R 1/2 F 1/2; b: P 2/4 R 2/2 F 2/3; c: P 1/1 R 1/3 F 1/2.
 * Macro F1 (1/2 + 2/3 + 1/2) / 3 = 5/9; macro P (1/2 + 1/2 + 1) / 3 = 2/3; macro R (1/2 + 1 + 1/3)
 * / 3 = 11/18.
 */
class ClassificationReportTest {

    private static final List<String> LABELS = List.of("a", "b", "c");
    private static final int[] GOLD = {0, 0, 1, 1, 2, 2, 2};
    private static final int[] PRED = {0, 1, 1, 1, 2, 0, 1};

    @Test
    void handComputedFigures() {
        ClassificationReport r = ClassificationReport.of(LABELS, GOLD, PRED);
        assertEquals(4.0 / 7, r.accuracy(), 1e-12);
        assertEquals(4.0 / 7, Accuracy.of(GOLD, PRED), 1e-12);
        double[][] prf = {{0.5, 0.5, 0.5}, {0.5, 1.0, 2.0 / 3}, {1.0, 1.0 / 3, 0.5}};
        for (int c = 0; c < 3; c++) {
            assertEquals(prf[c][0], r.precision(c), 1e-12, "precision " + c);
            assertEquals(prf[c][1], r.recall(c), 1e-12, "recall " + c);
            assertEquals(prf[c][2], r.f1(c), 1e-12, "f1 " + c);
        }
        assertEquals(5.0 / 9, r.macroF1(), 1e-12);
        assertEquals(2.0 / 3, r.macroPrecision(), 1e-12);
        assertEquals(11.0 / 18, r.macroRecall(), 1e-12);
        assertArrayEquals(new long[][] {{1, 1, 0}, {0, 2, 0}, {1, 1, 1}}, r.confusionMatrix());
        assertEquals(3, r.support(2));
    }

    @Test
    void classWithoutSupportOrPredictionsCountsAsZeroInMacroAverage() {
        ClassificationReport r = ClassificationReport.of(List.of("a", "b", "c", "d"), GOLD, PRED);
        assertEquals(0.0, r.f1(3), 0.0);
        assertEquals((0.5 + 2.0 / 3 + 0.5) / 4, r.macroF1(), 1e-12);
    }

    @Test
    void summarySerialisesToJson() throws Exception {
        ClassificationReport r = ClassificationReport.of(LABELS, GOLD, PRED);
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(r.summary()));
        assertEquals(4.0 / 7, json.get("accuracy").asDouble(), 1e-12);
        assertEquals("b", json.get("perClass").get(1).get("label").asText());
        assertEquals(2, json.get("perClass").get(1).get("support").asLong());
        assertEquals(2, json.get("confusion").get(1).get(1).asLong());
    }

    @Test
    void textRenderingShowsFiguresAndMatrix() {
        String text = ClassificationReport.of(LABELS, GOLD, PRED).toText();
        assertTrue(text.contains("0.6667"), text);
        assertTrue(text.contains("macro avg"), text);
        assertTrue(text.contains("accuracy"), text);
        String[] lines = text.split("\\R");
        assertEquals("c 1 1 1", lines[lines.length - 1].trim().replaceAll("\\s+", " "), text);
    }

    @Test
    void accuracyAccumulatesAcrossBatches() {
        Accuracy acc = new Accuracy().addAll(new int[] {1, 2}, new int[] {1, 0}).add(3, 3);
        assertEquals(2, acc.correct());
        assertEquals(3, acc.total());
        assertEquals(2.0 / 3, acc.value(), 1e-12);
        assertThrows(IllegalStateException.class, () -> new Accuracy().value());
    }

    @Test
    void invalidInputIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.of(LABELS, new int[] {0, 1}, new int[] {0}));
        assertTrue(e.getMessage().contains("2 gold") && e.getMessage().contains("1 predicted"), e.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.of(LABELS, new int[] {0, 3}, new int[] {0, 1}));
        assertTrue(range.getMessage().contains("position 1") && range.getMessage().contains("3"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(LABELS, new int[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> Accuracy.of(new int[] {1}, new int[] {1, 2}));
    }
}
