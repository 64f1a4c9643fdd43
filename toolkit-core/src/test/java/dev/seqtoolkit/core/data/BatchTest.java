package dev.seqtoolkit.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.seqtoolkit.core.engine.Engines;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {

    private static final List<int[]> SOURCES = List.of(new int[] {5, 6, 7}, new int[] {8}, new int[] {9, 10, 11, 12, 13});
    private static final List<int[]> TARGETS = List.of(new int[] {20, 21}, new int[] {22, 23, 24, 25}, new int[] {26});

    @Test
    void padsSourcesWithZero() {
        Batch b = Batch.of(SOURCES);
        assertEquals(3, b.size());
        assertEquals(5, b.maxLength());
        assertArrayEquals(new int[] {3, 1, 5}, b.lengths());
        assertArrayEquals(new int[] {5, 6, 7, 0, 0}, b.idsMatrix()[0]);
        assertArrayEquals(new int[] {8, 0, 0, 0, 0}, b.idsMatrix()[1]);
        assertEquals(9, b.tokenCount());
        assertFalse(b.hasTarget());
        assertThrows(IllegalStateException.class, b::targetLengths);
    }

    @Test
    void targetInputStartsWithBosAndOutputEndsWithEos() {
        Batch b = Batch.parallel(SOURCES, TARGETS, new int[] {7, 3, 5});
        assertEquals(5, b.targetMaxLength());
        assertArrayEquals(new int[] {3, 5, 2}, b.targetLengths());
        assertArrayEquals(new int[] {2, 20, 21, 0, 0}, b.targetInputMatrix()[0]);
        assertArrayEquals(new int[] {20, 21, 3, 0, 0}, b.targetOutputMatrix()[0]);
        assertArrayEquals(new int[] {2, 22, 23, 24, 25}, b.targetInputMatrix()[1]);
        assertArrayEquals(new int[] {22, 23, 24, 25, 3}, b.targetOutputMatrix()[1]);
        assertArrayEquals(new int[] {7, 3, 5}, b.exampleIndices());
    }

    @Test
    void rejectsPaddingIdInsideSequenceAndMismatchedSides() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Batch.of(List.of(new int[] {4, 0, 5})));
        assertTrue(e.getMessage().contains("position 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Batch.parallel(SOURCES, TARGETS.subList(0, 2)));
        assertThrows(IllegalArgumentException.class, () -> Batch.of(List.of()));
    }

    @Test
    void ndArraysHaveDocumentedShapesTypesAndValues() {
        Batch b = Batch.parallel(SOURCES, TARGETS);
        try (NDManager manager = Engines.newManager()) {
            NDArray ids = b.ids(manager);
            assertEquals(new Shape(3, 5), ids.getShape());
            assertEquals(DataType.INT32, ids.getDataType());
            assertArrayEquals(new int[] {5, 6, 7, 0, 0, 8, 0, 0, 0, 0, 9, 10, 11, 12, 13}, ids.toIntArray());

            NDArray mask = b.mask(manager);
            assertEquals(DataType.FLOAT32, mask.getDataType());
            assertArrayEquals(new float[] {1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1}, mask.toFloatArray());
            assertArrayEquals(new int[] {3, 1, 5}, b.lengths(manager).toIntArray());

            assertEquals(new Shape(3, 5), b.targetInput(manager).getShape());
            assertArrayEquals(new int[] {26, 3, 0, 0, 0}, b.targetOutput(manager).get(2).toIntArray());
            assertArrayEquals(new float[] {1, 1, 0, 0, 0}, b.targetMask(manager).get(2).toFloatArray());
            assertArrayEquals(new int[] {3, 5, 2}, b.targetLengths(manager).toIntArray());
            // the mask sums to the number of real tokens
            assertEquals(9f, mask.sum().getFloat(), 0f);
        }
    }
}
