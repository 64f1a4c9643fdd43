package dev.seqtoolkit.core.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.seqtoolkit.core.nn.NnTestSupport.*;

/** Explicit cells with copied weights reproduce DJL's fused kernels (pins gate order and layout). */
class ExplicitEquivalenceTest {
    static final int BATCH = 3, TIME = 5, IN = 7, HIDDEN = 4;

    static Stream<Arguments> configurations() {
        List<Arguments> list = new ArrayList<>();
        for (CellType type : CellType.values()) {
            for (int layers : new int[] {1, 2}) {
                for (boolean bi : new boolean[] {false, true}) {
                    for (boolean lengths : new boolean[] {false, true}) {
                        list.add(Arguments.of(type, layers, bi, lengths));
                    }
                }
            }
        }
        return list.stream();
    }

    static RecurrentEncoder fused(CellType type, int layers, boolean bi) {
        return RecurrentEncoder.builder().setCellType(type).setStateSize(HIDDEN).setNumLayers(layers)
                .optBidirectional(bi).build();
    }

    static ExplicitRecurrentEncoder explicit(CellType type, int layers, boolean bi) {
        return ExplicitRecurrentEncoder.builder().setCellType(type).setStateSize(HIDDEN).setNumLayers(layers)
                .optBidirectional(bi).build();
    }

    static void copyAll(SequenceEncoder from, SequenceEncoder to) {
        for (int l = 0; l < from.numLayers(); l++) {
            for (int d = 0; d < from.numDirections(); d++) {
                to.weights(l, d).copyFrom(from.weights(l, d));
            }
        }
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} lengths={3}")
    @MethodSource("configurations")
    void explicitMatchesFused(CellType type, int layers, boolean bi, boolean withLengths) {
        try (NDManager m = Engines.newManager()) {
            RecurrentEncoder f = fused(type, layers, bi);
            ExplicitRecurrentEncoder e = explicit(type, layers, bi);
            initialize(f, m, 11, new Shape(BATCH, TIME, IN));
            initialize(e, m, 12, new Shape(BATCH, TIME, IN));
            copyAll(f, e);
            ParameterStore ps = store(m);
            int dirs = bi ? 2 : 1;
            NDArray x = random(m, 13, BATCH, TIME, IN);
            NDArray lengths = withLengths ? m.create(new long[] {4, 5, 2}) : null;
            RecurrentState init = new RecurrentState(random(m, 14, layers * dirs, BATCH, HIDDEN),
                    type == CellType.LSTM ? random(m, 15, layers * dirs, BATCH, HIDDEN) : null);
            try (RecurrentOutput a = f.forward(ps, x, lengths, init, false);
                    RecurrentOutput b = e.forward(ps, x, lengths, init, false)) {
                assertClose(a.output(), b.output(), TOLERANCE, "output");
                assertClose(a.state().h(), b.state().h(), TOLERANCE, "h");
                if (type == CellType.LSTM) {
                    assertClose(a.state().c(), b.state().c(), TOLERANCE, "c");
                }
            }
            // and without an initial state
            try (RecurrentOutput a = f.forward(ps, x, lengths, null, false);
                    RecurrentOutput b = e.forward(ps, x, lengths, null, false)) {
                assertClose(a.output(), b.output(), TOLERANCE, "output (zero state)");
                assertClose(a.state().h(), b.state().h(), TOLERANCE, "h (zero state)");
            }
        }
    }

    /** Gradients of the same loss agree between fused and explicit, through a backward pass. */
    /** All configurations except two-layer unidirectional (covered by two-layer bidirectional). */
    static Stream<Arguments> gradientConfigurations() {
        return configurations().filter(a -> !((int) a.get()[1] == 2 && !(boolean) a.get()[2]));
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} lengths={3}")
    @MethodSource("gradientConfigurations")
    void gradientsMatch(CellType type, int layers, boolean bi, boolean withLengths) {
        try (NDManager m = Engines.newManager()) {
            RecurrentEncoder f = fused(type, layers, bi);
            ExplicitRecurrentEncoder e = explicit(type, layers, bi);
            initialize(f, m, 21, new Shape(BATCH, TIME, IN));
            initialize(e, m, 22, new Shape(BATCH, TIME, IN));
            copyAll(f, e);
            NDArray x = random(m, 23, BATCH, TIME, IN);
            NDArray lengths = withLengths ? m.create(new long[] {2, 5, 4}) : null;
            NDArray outWeights = random(m, 24, BATCH, TIME, HIDDEN * (bi ? 2 : 1));
            NDArray hWeights = random(m, 25, layers * (bi ? 2 : 1), BATCH, HIDDEN);
            float[][] gf = gradients(f, m, x, lengths, outWeights, hWeights);
            float[][] ge = gradients(e, m, x, lengths, outWeights, hWeights);
            for (int i = 0; i < gf.length; i++) {
                assertClose(gf[i], ge[i], 1e-5f, "gradient of parameter " + i);
            }
        }
    }

    /** Gradients of sum(output * R) + sum(h * S) w.r.t. every parameter, in layer/direction order. */
    static float[][] gradients(SequenceEncoder enc, NDManager m, NDArray x, NDArray lengths, NDArray r, NDArray s) {
        List<float[]> result = new ArrayList<>();
        try (NDManager step = m.newSubManager()) {
            ParameterStore ps = new ParameterStore(step, false);
            try (GradientCollector gc = dev.seqtoolkit.core.engine.Engines.engine().newGradientCollector()) {
                RecurrentOutput out = enc.forward(ps, x, lengths, null, true);
                NDArray loss = out.output().mul(r).sum().add(out.state().h().mul(s).sum());
                gc.backward(loss);
            }
            for (int l = 0; l < enc.numLayers(); l++) {
                for (int d = 0; d < enc.numDirections(); d++) {
                    for (NDArray p : enc.weights(l, d).toArray()) {
                        NDArray g = p.getGradient();
                        g.attach(step);
                        result.add(g.toFloatArray());
                    }
                }
            }
        }
        return result.toArray(new float[0][]);
    }
}
