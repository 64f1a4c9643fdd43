package dev.seqtoolkit.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.seqtoolkit.core.engine.Engines;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LanguageModelBatchesTest {

    /** The corpus holds its own positions, so each id tells where it came from. */
    private static int[] positions(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static LanguageModelBatches batches(LanguageModelBatches.Mode mode, int length) {
        return LanguageModelBatches.builder().setCorpus(positions(length)).setBatchSize(3).setNumSteps(5)
                .optMode(mode).optSeed(17).build();
    }

    @ParameterizedTest
    @EnumSource(LanguageModelBatches.Mode.class)
    void yIsXShiftedByOneAndPositionsAreUnique(LanguageModelBatches.Mode mode) {
        for (int epoch = 0; epoch < 6; epoch++) {
            List<LanguageModelBatches.Window> windows = batches(mode, 97).epoch(epoch);
            assertTrue(windows.size() >= 1);
            boolean[] used = new boolean[97];
            for (LanguageModelBatches.Window w : windows) {
                assertEquals(3, w.x().length);
                for (int r = 0; r < 3; r++) {
                    assertEquals(5, w.x()[r].length);
                    for (int t = 0; t < 5; t++) {
                        assertEquals(w.x()[r][t] + 1, w.y()[r][t]);
                        if (t > 0) {
                            assertEquals(w.x()[r][t - 1] + 1, w.x()[r][t], "rows are contiguous");
                        }
                        int position = w.x()[r][t];
                        assertTrue(!used[position], "position " + position + " used twice in epoch " + epoch);
                        used[position] = true;
                    }
                }
            }
        }
    }

    @Test
    void sequentialRowsContinueAcrossBatches() {
        List<LanguageModelBatches.Window> windows = batches(LanguageModelBatches.Mode.SEQUENTIAL, 97).epoch(1);
        // (97 - offset - 1) / 3 tokens per stream, 5 per batch: 5 or 6 batches
        assertTrue(windows.size() >= 5, "batches: " + windows.size());
        for (int k = 0; k + 1 < windows.size(); k++) {
            for (int r = 0; r < 3; r++) {
                assertEquals(windows.get(k).x()[r][4] + 1, windows.get(k + 1).x()[r][0]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LanguageModelBatches.Mode.class)
    void deterministicPerSeedAndEpoch(LanguageModelBatches.Mode mode) {
        LanguageModelBatches a = batches(mode, 500);
        LanguageModelBatches b = batches(mode, 500);
        assertArrayEquals(flatten(a.epoch(3)), flatten(b.epoch(3)));
        boolean anyDifferent = false;
        for (int e = 4; e < 10; e++) {
            anyDifferent |= !java.util.Arrays.equals(flatten(a.epoch(3)), flatten(a.epoch(e)));
        }
        assertTrue(anyDifferent);
    }

    @Test
    void randomModeShufflesSubsequences() {
        List<LanguageModelBatches.Window> windows = batches(LanguageModelBatches.Mode.RANDOM, 500).epoch(0);
        int[] firstColumn = new int[windows.size() * 3];
        int i = 0;
        for (LanguageModelBatches.Window w : windows) {
            for (int[] row : w.x()) {
                firstColumn[i++] = row[0];
            }
        }
        int[] sorted = firstColumn.clone();
        java.util.Arrays.sort(sorted);
        assertNotEquals(java.util.Arrays.toString(sorted), java.util.Arrays.toString(firstColumn));
        for (int start : firstColumn) {
            assertEquals(firstColumn[0] % 5, start % 5, "all starts share the epoch offset");
        }
    }

    @Test
    void smallestAcceptedCorpusYieldsOneBatchEveryEpoch() {
        int min = (int) LanguageModelBatches.minimumLength(3, 5);
        assertEquals(21, min);
        for (LanguageModelBatches.Mode mode : LanguageModelBatches.Mode.values()) {
            for (int epoch = 0; epoch < 20; epoch++) {
                assertTrue(batches(mode, min).epoch(epoch).size() >= 1);
            }
        }
    }

    @Test
    void tooShortOrBadSizesFailWithValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> batches(LanguageModelBatches.Mode.SEQUENTIAL, 20));
        assertTrue(e.getMessage().contains("20 tokens") && e.getMessage().contains("21")
                && e.getMessage().contains("batchSize 3") && e.getMessage().contains("numSteps 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LanguageModelBatches.builder()
                .setCorpus(positions(100)).setBatchSize(-2).setNumSteps(5).build());
        assertTrue(e.getMessage().contains("-2"));
        e = assertThrows(IllegalArgumentException.class, () -> LanguageModelBatches.builder()
                .setCorpus(positions(100)).setBatchSize(2).setNumSteps(0).build());
        assertTrue(e.getMessage().contains("numSteps") && e.getMessage().contains("0"));
        assertThrows(IllegalArgumentException.class,
                () -> LanguageModelBatches.builder().setBatchSize(2).setNumSteps(2).build());
    }

    @Test
    void windowsBecomeInt32Arrays() {
        LanguageModelBatches.Window w = batches(LanguageModelBatches.Mode.SEQUENTIAL, 97).epoch(0).get(0);
        try (NDManager manager = Engines.newManager()) {
            NDArray x = w.x(manager);
            assertEquals(new Shape(3, 5), x.getShape());
            assertEquals(DataType.INT32, x.getDataType());
            assertArrayEquals(w.y()[2], w.y(manager).get(2).toIntArray());
        }
    }

    private static int[] flatten(List<LanguageModelBatches.Window> windows) {
        return windows.stream().flatMap(w -> java.util.Arrays.stream(w.x())).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
