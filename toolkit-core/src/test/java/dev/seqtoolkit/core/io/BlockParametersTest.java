package dev.seqtoolkit.core.io;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;

class BlockParametersTest {

    private static Block linear(NDManager manager, int in, int out) {
        Linear block = Linear.builder().setUnits(out).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(2, in));
        return block;
    }

    private static byte[] saved(Block block) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        }
        return bytes.toByteArray();
    }

    @Test
    void loadsMatchingShapesAndRefusesOthersNamingParameterAndShapes() throws Exception {
        try (NDManager manager = Engines.newManager()) {
            Block source = linear(manager, 3, 2);
            byte[] bytes = saved(source);
            Block same = linear(manager, 3, 2);
            BlockParameters.load(same, manager, new DataInputStream(new ByteArrayInputStream(bytes)), "same.bin");
            assertArrayEquals(source.getParameters().get("weight").getArray().toFloatArray(),
                    same.getParameters().get("weight").getArray().toFloatArray());

            Block wider = linear(manager, 3, 4); // what DJL's own loadParameters accepts silently
            MalformedModelException e = assertThrows(MalformedModelException.class, () -> BlockParameters.load(wider,
                    manager, new DataInputStream(new ByteArrayInputStream(bytes)), "run/step-7/parameters.bin"));
            assertTrue(e.getMessage().contains("run/step-7/parameters.bin"), e.getMessage());
            assertTrue(e.getMessage().contains("'weight'"), e.getMessage());
            assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(4, 3)"), e.getMessage());
        }
    }
}
