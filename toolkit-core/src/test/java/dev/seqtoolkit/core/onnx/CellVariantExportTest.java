package dev.seqtoolkit.core.onnx;

import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;
import dev.seqtoolkit.core.onnx.CellVariant.Activation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static dev.seqtoolkit.core.onnx.OnnxTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Gate-activation variants through ONNX's {@code activations} attribute, against the gate equations in double. */
class CellVariantExportTest {
    private static final int BATCH = 2;
    private static final int TIME = 4;
    private static final int IN = 3;
    private static final int H = 5;

    private static double apply(Activation a, CellVariant v, double x) {
        switch (a) {
            case SIGMOID:
                return 1 / (1 + Math.exp(-x));
            case TANH:
                return Math.tanh(x);
            case RELU:
                return Math.max(0, x);
            case HARD_SIGMOID:
                return Math.max(0, Math.min(1, v.hardSigmoidAlpha() * x + v.hardSigmoidBeta()));
            default:
                throw new AssertionError(a);
        }
    }

    private static double[] affine(float[] w, float[] b, double[] x, int rows) {
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = b[r];
            for (int c = 0; c < x.length; c++) {
                s += w[r * x.length + c] * x[c];
            }
            y[r] = s;
        }
        return y;
    }

    /** One direction of one layer written out from the equations; writes (batch, time, dirs*H) slot {@code d}. */
    private static void referenceDirection(Cell cell, CellVariant v, FusedRecurrentWeights w, float[] x, int d,
            int dirs, float[] out) {
        float[] wi = w.i2hWeight();
        float[] wh = w.h2hWeight();
        float[] bi = w.i2hBias();
        float[] bh = w.h2hBias();
        int g = FusedRecurrentWeights.gates(cell) * H;
        for (int b = 0; b < BATCH; b++) {
            double[] h = new double[H];
            double[] c = new double[H];
            for (int s = 0; s < TIME; s++) {
                int t = d == 0 ? s : TIME - 1 - s;
                double[] xt = new double[IN];
                for (int i = 0; i < IN; i++) {
                    xt[i] = x[(b * TIME + t) * IN + i];
                }
                double[] a = affine(wi, bi, xt, g);
                double[] r = affine(wh, bh, h, g);
                double[] next = new double[H];
                for (int j = 0; j < H; j++) {
                    if (cell == Cell.LSTM) {
                        double ig = apply(v.gate(), v, a[j] + r[j]);
                        double fg = apply(v.gate(), v, a[H + j] + r[H + j]);
                        double gg = apply(v.candidate(), v, a[2 * H + j] + r[2 * H + j]);
                        double og = apply(v.gate(), v, a[3 * H + j] + r[3 * H + j]);
                        c[j] = fg * c[j] + ig * gg;
                        next[j] = og * apply(v.cellOutput(), v, c[j]);
                    } else {
                        double rg = apply(v.gate(), v, a[j] + r[j]);
                        double zg = apply(v.gate(), v, a[H + j] + r[H + j]);
                        double n = apply(v.candidate(), v, a[2 * H + j] + rg * r[2 * H + j]);
                        next[j] = (1 - zg) * n + zg * h[j];
                    }
                }
                h = next;
                for (int j = 0; j < H; j++) {
                    out[((b * TIME + t) * dirs + d) * H + j] = (float) h[j];
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} gate={1} candidate={2} cell={3} alpha={4} dirs={5}")
    @CsvSource({
        "LSTM,HARD_SIGMOID,RELU,TANH,0.2,1",
        "LSTM,HARD_SIGMOID,TANH,HARD_SIGMOID,0.16666667,2",
        "LSTM,SIGMOID,RELU,RELU,0.2,1",
        "GRU,HARD_SIGMOID,RELU,TANH,0.16666667,2",
        "GRU,SIGMOID,RELU,TANH,0.2,1"})
    void activationVariantsFollowTheGateEquations(Cell cell, Activation gate, Activation candidate, Activation cellOut,
            float alpha, int dirs) throws Exception {
        CellVariant variant = CellVariant.builder().optGateActivation(gate).optCandidateActivation(candidate)
                .optCellOutputActivation(cellOut).optHardSigmoid(alpha, 0.5f).build();
        Random random = new Random(17 + dirs);
        FusedRecurrentWeights fwd = randomWeights(random, cell, IN, H);
        FusedRecurrentWeights bwd = randomWeights(random, cell, IN, H);
        RecurrentExporter.Builder b = RecurrentExporter.builder(cell).optVariant(variant);
        RecurrentExporter exporter = (dirs == 1 ? b.addLayer(fwd) : b.addLayer(fwd, bwd)).build();
        float[] x = random(random, BATCH * TIME * IN, 1.5);
        Map<String, float[]> out = run(exporter.toModel(false, false),
                Map.of(RecurrentExporter.INPUT, tensor(x, BATCH, TIME, IN)));
        float[] expected = new float[BATCH * TIME * dirs * H];
        referenceDirection(cell, variant, fwd, x, 0, dirs, expected);
        if (dirs == 2) {
            referenceDirection(cell, variant, bwd, x, 1, dirs, expected);
        }
        assertClose(expected, out.get(RecurrentExporter.OUTPUT), 1e-5, "output");
    }

    @Test
    void gruRejectsACellOutputActivation() {
        CellVariant v = CellVariant.builder().optCellOutputActivation(Activation.RELU).build();
        RecurrentExporter.Builder b = RecurrentExporter.builder(Cell.GRU).optVariant(v)
                .addLayer(randomWeights(new Random(1), Cell.GRU, IN, H));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("cell output activation"), e.getMessage());
    }
}
