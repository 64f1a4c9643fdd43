package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers shared by the nn tests. */
final class NnTestSupport {
    static final float TOLERANCE = 1e-5f;

    private NnTestSupport() {}

    /** Uniform values in [-1, 1) from a fixed seed. */
    static NDArray random(NDManager manager, long seed, long... shape) {
        Random random = new Random(seed);
        Shape s = new Shape(shape);
        float[] values = new float[(int) s.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return manager.create(values, s);
    }

    static void initialize(Block block, NDManager manager, long seed, Shape inputShape) {
        block.initialize(manager, DataType.FLOAT32, inputShape);
        // overwrite every parameter with seeded values so runs are reproducible
        Random random = new Random(seed);
        block.getParameters().forEach(pair -> {
            NDArray array = pair.getValue().getArray();
            float[] values = new float[(int) array.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (random.nextFloat() * 2 - 1) * 0.5f;
            }
            array.set(java.nio.FloatBuffer.wrap(values));
        });
    }

    static ParameterStore store(NDManager manager) {
        return new ParameterStore(manager, false);
    }

    static void assertClose(NDArray expected, NDArray actual, float tolerance, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        assertClose(e, a, tolerance, what + " " + expected.getShape());
    }

    static void assertClose(float[] e, float[] a, float tolerance, String what) {
        assertEquals(e.length, a.length, what + ": length");
        float worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            float diff = Math.abs(e[i] - a[i]);
            if (!(diff <= worst)) {
                worst = diff;
                at = i;
            }
        }
        if (!(worst <= tolerance)) {
            fail(what + ": max |diff| " + worst + " at flat index " + at + " (expected " + e[at] + ", got " + a[at]
                    + "); expected " + Arrays.toString(Arrays.copyOf(e, Math.min(e.length, 12))) + "...");
        }
    }
}
