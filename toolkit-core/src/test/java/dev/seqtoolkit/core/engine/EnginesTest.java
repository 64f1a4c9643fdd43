package dev.seqtoolkit.core.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class EnginesTest {
    @Test
    void configuredEngineLoadsAndComputes() {
        Engine engine = Engines.engine();
        assertEquals(Engines.configuredName(), engine.getEngineName());
        try (NDManager manager = engine.newBaseManager()) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray product = a.matMul(a);
            assertArrayEquals(new float[] {7, 10, 15, 22}, product.toFloatArray(), 0f);
        }
    }

    @Test
    void unknownEngineNamesTheValue() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Engines.normalise("tensorflow", "test"));
        assertTrue(e.getMessage().contains("tensorflow"), e.getMessage());
    }
}
