package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.FloatBuffer;
import java.util.Arrays;

import static dev.seqtoolkit.core.nn.NnTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Constant weights, hand-computable values. All weights and biases 1, input size 3 with every input
 * -1/3, so the first step's pre-activation of every gate is -1 + 0 + 1 + 1 = 1:
 * LSTM: i = f = o = sigmoid(1) = 0.731059, g = tanh(1) = 0.761594, c1 = 0.556770, h1 = 0.731059 *
 * tanh(0.556770) = 0.369606. GRU: r = z = 0.731059, n = tanh(-1 + 1 + r * (0 + 1)) = tanh(0.731059)
 * = 0.623713, h1 = (1 - z) * n = 0.167742.
 */
class CellAnalyticTest {
    static final int IN = 3, HIDDEN = 2, TIME = 3;

    static void fill(NDArray array, float value) {
        float[] v = new float[(int) array.size()];
        Arrays.fill(v, value);
        array.set(FloatBuffer.wrap(v));
    }

    static void fillAll(SequenceEncoder enc, float value) {
        enc.getParameters().values().forEach(p -> fill(p.getArray(), value));
    }

    /** Expected h (and c) per step, computed in double from the equations with all-ones weights. */
    static double[][] expected(CellType type, GateActivation gate, GateActivation cand, GateActivation cell,
            double timeGate) {
        double h = 0, c = 0;
        double[][] out = new double[TIME][2];
        for (int t = 0; t < TIME; t++) {
            double pre = -1 + HIDDEN * h + 2; // x-part -1, h-part H*h, two biases
            if (type == CellType.LSTM) {
                double i = gate.apply(pre) * timeGate, f = gate.apply(pre), g = cand.apply(pre), o = gate.apply(pre);
                c = f * c + i * g;
                h = o * cell.apply(c);
            } else {
                double r = gate.apply(pre), z = gate.apply(pre);
                double n = cand.apply(-1 + 1 + r * (HIDDEN * h + 1));
                h = (1 - z) * n + z * h;
            }
            out[t][0] = h;
            out[t][1] = c;
        }
        return out;
    }

    @Test
    void handComputedFirstStep() {
        double[][] lstm = expected(CellType.LSTM, GateActivation.SIGMOID, GateActivation.TANH, GateActivation.TANH, 1);
        assertEquals(0.556770, lstm[0][1], 1e-6);
        assertEquals(0.369606, lstm[0][0], 1e-6);
        double[][] gru = expected(CellType.GRU, GateActivation.SIGMOID, GateActivation.TANH, null, 1);
        assertEquals(0.167742, gru[0][0], 1e-6);
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void fusedAndExplicitEncodersGiveHandComputedValues(CellType type) {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.full(new Shape(1, TIME, IN), -1f / 3);
            double[][] want = expected(type, GateActivation.SIGMOID, GateActivation.TANH, GateActivation.TANH, 1);
            SequenceEncoder[] encoders = {
                RecurrentEncoder.builder().setCellType(type).setStateSize(HIDDEN).setNumLayers(1).build(),
                ExplicitRecurrentEncoder.builder().setCellType(type).setStateSize(HIDDEN).setNumLayers(1).build()
            };
            for (SequenceEncoder enc : encoders) {
                enc.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, TIME, IN));
                fillAll(enc, 1f);
                try (RecurrentOutput out = enc.forward(store(m), x, null, null, false)) {
                    float[] o = out.output().toFloatArray(); // (1, TIME, HIDDEN)
                    for (int t = 0; t < TIME; t++) {
                        for (int k = 0; k < HIDDEN; k++) {
                            assertEquals(want[t][0], o[t * HIDDEN + k], 1e-5,
                                    enc.getClass().getSimpleName() + " " + type + " h at t=" + t);
                        }
                    }
                    if (type == CellType.LSTM) {
                        assertEquals(want[TIME - 1][1], out.state().c().toFloatArray()[0], 1e-5, "final c");
                    }
                }
            }
        }
    }

    @Test
    void variantActivationsAndTimeGateFollowTheEquations() {
        GateActivation hs = GateActivation.HARD_SIGMOID, relu = GateActivation.RELU, tanh = GateActivation.TANH;
        // hard sigmoid(1) = 0.7, relu(1) = 1: c1 = 0.7 * 1 = 0.7, h1 = 0.7 * tanh(0.7) = 0.423058
        assertEquals(0.423058, expected(CellType.LSTM, hs, relu, tanh, 1)[0][0], 1e-6);
        // time gate with all-ones weights: T = sigmoid(-1 + 0 + 1) = 0.5 at step 1
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.full(new Shape(1, TIME, IN), -1f / 3);
            checkVariant(m, x, ExplicitRecurrentEncoder.builder().setCellType(CellType.LSTM)
                    .optGateActivation(hs).optCandidateActivation(relu), expected(CellType.LSTM, hs, relu, tanh, 1));
            checkVariant(m, x, ExplicitRecurrentEncoder.builder().setCellType(CellType.GRU)
                    .optGateActivation(hs).optCandidateActivation(GateActivation.TANH),
                    expected(CellType.GRU, hs, tanh, null, 1));
            checkVariant(m, x, ExplicitRecurrentEncoder.builder().setCellType(CellType.LSTM)
                    .optCellActivation(relu), expected(CellType.LSTM, GateActivation.SIGMOID, tanh, relu, 1));
            // time gate: its pre-activation is -1 + H*h + 1 (one bias), so T differs per step
            ExplicitRecurrentEncoder enc = ExplicitRecurrentEncoder.builder().setCellType(CellType.LSTM)
                    .setStateSize(HIDDEN).setNumLayers(1).optTimeGate(true).build();
            enc.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, TIME, IN));
            fillAll(enc, 1f);
            double h = 0, c = 0;
            float[] o;
            try (RecurrentOutput out = enc.forward(store(m), x, null, null, false)) {
                o = out.output().toFloatArray();
            }
            for (int t = 0; t < TIME; t++) {
                double pre = -1 + HIDDEN * h + 2;
                double s = 1 / (1 + Math.exp(-pre));
                double time = 1 / (1 + Math.exp(-(-1 + HIDDEN * h + 1))); // 0.5 at t = 0
                c = s * c + s * time * Math.tanh(pre);
                h = s * Math.tanh(c);
                assertEquals(h, o[t * HIDDEN], 1e-5, "time-gated h at t=" + t);
            }
            assertEquals(0.731059 * Math.tanh(0.731059 * 0.5 * 0.761594), o[0], 1e-5);
        }
    }

    private static void checkVariant(NDManager m, NDArray x, ExplicitRecurrentEncoder.Builder builder, double[][] want) {
        ExplicitRecurrentEncoder enc = builder.setStateSize(HIDDEN).setNumLayers(1).build();
        enc.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, TIME, IN));
        fillAll(enc, 1f);
        try (RecurrentOutput out = enc.forward(store(m), x, null, null, false)) {
            float[] o = out.output().toFloatArray();
            for (int t = 0; t < TIME; t++) {
                assertEquals(want[t][0], o[t * HIDDEN], 1e-5, "h at t=" + t);
            }
        }
    }

    @Test
    void hardSigmoidIsClippedLine() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {-3f, -2.5f, 0f, 1f, 2.5f, 3f});
            assertArrayEquals(new float[] {0f, 0f, 0.5f, 0.7f, 1f, 1f},
                    GateActivation.HARD_SIGMOID.apply(x).toFloatArray(), 1e-6f);
        }
    }

    /** A large time-gate bias makes T = 1: the time-gated cell equals the plain fused LSTM. */
    @Test
    void openTimeGateEqualsFusedLstm() {
        try (NDManager m = Engines.newManager()) {
            Shape in = new Shape(3, 5, 7);
            RecurrentEncoder f = RecurrentEncoder.builder().setCellType(CellType.LSTM).setStateSize(4)
                    .setNumLayers(2).optBidirectional(true).build();
            ExplicitRecurrentEncoder e = ExplicitRecurrentEncoder.builder().setCellType(CellType.LSTM)
                    .setStateSize(4).setNumLayers(2).optBidirectional(true).optTimeGate(true).build();
            initialize(f, m, 31, in);
            initialize(e, m, 32, in);
            for (int l = 0; l < 2; l++) {
                for (int d = 0; d < 2; d++) {
                    e.weights(l, d).copyFrom(f.weights(l, d));
                    NDArray[] t = ((LstmCell) e.cell(l, d)).timeGateWeights();
                    fill(t[0], 0f);
                    fill(t[1], 0f);
                    fill(t[2], 40f);
                }
            }
            NDArray x = random(m, 33, 3, 5, 7);
            NDArray lengths = m.create(new long[] {3, 5, 1});
            try (RecurrentOutput a = f.forward(store(m), x, lengths, null, false);
                    RecurrentOutput b = e.forward(store(m), x, lengths, null, false)) {
                assertClose(a.output(), b.output(), TOLERANCE, "output");
                assertClose(a.state().c(), b.state().c(), TOLERANCE, "c");
            }
            // and a shut time gate changes the result
            for (int l = 0; l < 2; l++) {
                for (int d = 0; d < 2; d++) {
                    fill(((LstmCell) e.cell(l, d)).timeGateWeights()[2], -40f);
                }
            }
            try (RecurrentOutput a = f.forward(store(m), x, lengths, null, false);
                    RecurrentOutput b = e.forward(store(m), x, lengths, null, false)) {
                float diff = a.output().sub(b.output()).abs().max().getFloat();
                assertTrue(diff > 1e-3, "shut time gate must change outputs, max diff " + diff);
            }
        }
    }

    /** The cell's NDList forward equals its step and the fused block for one step. */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void cellBlockForwardMatchesOneFusedStep(CellType type) {
        try (NDManager m = Engines.newManager()) {
            RecurrentEncoder f = RecurrentEncoder.builder().setCellType(type).setStateSize(4).setNumLayers(1).build();
            initialize(f, m, 41, new Shape(3, 1, 7));
            RecurrentCell cell = type == CellType.LSTM ? LstmCell.builder().setStateSize(4).build()
                    : GruCell.builder().setStateSize(4).build();
            cell.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(3, 7));
            cell.weights().copyFrom(f.weights(0, 0));
            NDArray x = random(m, 42, 3, 7);
            NDArray h = random(m, 43, 3, 4);
            NDArray c = random(m, 44, 3, 4);
            ParameterStore ps = store(m);
            NDList in = type == CellType.LSTM ? new NDList(x, h, c) : new NDList(x, h);
            NDList stepped = cell.forward(ps, in, false);
            RecurrentState init = new RecurrentState(h.expandDims(0), type == CellType.LSTM ? c.expandDims(0) : null);
            try (RecurrentOutput fused = f.forward(ps, x.expandDims(1), null, init, false)) {
                assertClose(fused.state().h().squeeze(0), stepped.get(0), TOLERANCE, "h'");
                if (type == CellType.LSTM) {
                    assertClose(fused.state().c().squeeze(0), stepped.get(1), TOLERANCE, "c'");
                }
            }
            assertThrows(IllegalArgumentException.class, () -> cell.forward(ps, new NDList(x.get(":, 0:6"), h, c), false));
        }
    }
}
