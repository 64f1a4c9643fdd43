package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.seqtoolkit.core.host.HostRecurrentStack;
import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Random weights, ONNX Runtime calls and host references shared by the ONNX tests. */
final class OnnxTestSupport {
    private OnnxTestSupport() {}

    static float[] random(Random random, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextGaussian() * scale);
        }
        return a;
    }

    static FusedRecurrentWeights randomWeights(Random random, Cell cell, int in, int hidden) {
        int rows = FusedRecurrentWeights.gates(cell) * hidden;
        return FusedRecurrentWeights.of(cell, in, hidden, random(random, rows * in, 0.5),
                random(random, rows * hidden, 0.5), random(random, rows, 0.5), random(random, rows, 0.5));
    }

    /** Runs a model on float inputs given as flat arrays with shapes; returns every output flattened. */
    static Map<String, float[]> run(OnnxMl.ModelProto model, Map<String, Object[]> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toByteArray(), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> tensors = new HashMap<>();
            try {
                for (Map.Entry<String, Object[]> e : inputs.entrySet()) {
                    Object data = e.getValue()[0];
                    long[] shape = (long[]) e.getValue()[1];
                    OnnxTensor t;
                    if (data instanceof float[] f) {
                        t = OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shape);
                    } else if (data instanceof int[] i) {
                        t = OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(i), shape);
                    } else {
                        t = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap((long[]) data), shape);
                    }
                    tensors.put(e.getKey(), t);
                }
                Map<String, float[]> out = new HashMap<>();
                try (OrtSession.Result result = session.run(tensors)) {
                    for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                        FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                        float[] values = new float[fb.remaining()];
                        fb.get(values);
                        out.put(e.getKey(), values);
                    }
                }
                return out;
            } finally {
                tensors.values().forEach(OnnxTensor::close);
            }
        }
    }

    static Object[] tensor(Object data, long... shape) {
        return new Object[] {data, shape};
    }

    /** Result of a host reference run: output (batch, time, dirs*H), final states (layers*dirs, batch, H). */
    record Reference(float[] output, float[] hn, float[] cn) {}

    /**
     * Runs a stack layer by layer with single-layer {@link HostRecurrentStack}s; the backward
     * direction runs on the reversed valid prefix of each sequence. Steps past a sequence's length
     * give zero outputs and do not change its state.
     *
     * @param layers per layer, the forward (and backward) weights
     * @param x (batch, time, in)
     * @param h0 (layers*dirs, batch, H) or null
     * @param c0 (layers*dirs, batch, H) or null
     * @param lengths (batch) or null for full length
     */
    static Reference reference(Cell cell, List<FusedRecurrentWeights[]> layers, float[] x, int batch, int time,
            float[] h0, float[] c0, int[] lengths) {
        int dirs = layers.get(0).length;
        int hidden = layers.get(0)[0].hiddenSize();
        int states = layers.size() * dirs;
        float[] hn = new float[states * batch * hidden];
        float[] cn = new float[states * batch * hidden];
        float[] input = x;
        int in = layers.get(0)[0].inputSize();
        for (int l = 0; l < layers.size(); l++) {
            float[] out = new float[batch * time * dirs * hidden];
            for (int d = 0; d < dirs; d++) {
                FusedRecurrentWeights w = layers.get(l)[d];
                HostRecurrentStack stack = HostRecurrentStack.builder(cell)
                        .addLayer(w.inputSize(), hidden, w.i2hWeight(), w.h2hWeight(), w.i2hBias(), w.h2hBias()).build();
                int row = l * dirs + d;
                for (int b = 0; b < batch; b++) {
                    HostRecurrentStack.State state = stack.newState();
                    if (h0 != null) {
                        state.set(0, slice(h0, (row * batch + b) * hidden, hidden),
                                c0 == null ? (cell == Cell.LSTM ? new float[hidden] : null)
                                        : slice(c0, (row * batch + b) * hidden, hidden));
                    }
                    int len = lengths == null ? time : lengths[b];
                    for (int s = 0; s < len; s++) {
                        int t = d == 0 ? s : len - 1 - s;
                        stack.step(state, slice(input, (b * time + t) * in, in));
                        System.arraycopy(state.output(), 0, out, ((b * time + t) * dirs + d) * hidden, hidden);
                    }
                    System.arraycopy(state.hidden(0), 0, hn, (row * batch + b) * hidden, hidden);
                    if (cell == Cell.LSTM) {
                        System.arraycopy(state.cell(0), 0, cn, (row * batch + b) * hidden, hidden);
                    }
                }
            }
            input = out;
            in = dirs * hidden;
        }
        return new Reference(input, hn, cell == Cell.LSTM ? cn : null);
    }

    static float[] slice(float[] a, int offset, int length) {
        float[] s = new float[length];
        System.arraycopy(a, offset, s, 0, length);
        return s;
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + " at flat index " + i);
        }
    }

    static List<FusedRecurrentWeights[]> layers(FusedRecurrentWeights[]... layers) {
        return new ArrayList<>(List.of(layers));
    }

    /** Runs onnx.checker.check_model(full_check=True) on each file; skips when python3-onnx is missing. */
    static void assumeCheckerPasses(List<Path> models) throws IOException, InterruptedException {
        OnnxChecker.assumeCheckerPasses(models);
    }
}
