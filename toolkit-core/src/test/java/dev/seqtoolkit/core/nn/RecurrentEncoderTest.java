package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.seqtoolkit.core.nn.NnTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class RecurrentEncoderTest {
    static final int BATCH = 3, TIME = 5, IN = 7, HIDDEN = 4;

    static RecurrentEncoder build(CellType type, int layers, boolean bi) {
        return RecurrentEncoder.builder().setCellType(type).setStateSize(HIDDEN).setNumLayers(layers)
                .optBidirectional(bi).build();
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void shapesMatchTorchLayout(CellType type) {
        try (NDManager m = Engines.newManager()) {
            RecurrentEncoder enc = build(type, 2, true);
            initialize(enc, m, 1, new Shape(BATCH, TIME, IN));
            NDArray x = random(m, 2, BATCH, TIME, IN);
            try (RecurrentOutput out = enc.forward(store(m), x, null, null, false)) {
                assertEquals(new Shape(BATCH, TIME, 2 * HIDDEN), out.output().getShape());
                assertEquals(new Shape(4, BATCH, HIDDEN), out.state().h().getShape());
                assertEquals(type == CellType.LSTM, out.state().hasCell());
                if (type == CellType.LSTM) {
                    assertEquals(new Shape(4, BATCH, HIDDEN), out.state().c().getShape());
                }
            }
            assertEquals(new Shape(4 * (type.gates()) , IN).get(1), enc.weights(0, 1).i2hWeight().getShape().get(1));
            assertEquals(new Shape(type.gates() * HIDDEN, 2 * HIDDEN), enc.weights(1, 0).i2hWeight().getShape());
            assertEquals(new Shape(type.gates() * HIDDEN, HIDDEN), enc.weights(1, 1).h2hWeight().getShape());
            assertEquals(new Shape(type.gates() * HIDDEN), enc.weights(1, 1).h2hBias().getShape());
        }
    }

    @Test
    void parameterNamesAreStable() {
        try (NDManager m = Engines.newManager()) {
            RecurrentEncoder enc = build(CellType.GRU, 2, true);
            initialize(enc, m, 1, new Shape(BATCH, TIME, IN));
            assertEquals(java.util.List.of(
                    "01layer0_forward_l_0_i2h_WEIGHT", "01layer0_forward_l_0_h2h_WEIGHT",
                    "01layer0_forward_l_0_i2h_BIAS", "01layer0_forward_l_0_h2h_BIAS",
                    "02layer0_backward_l_0_i2h_WEIGHT", "02layer0_backward_l_0_h2h_WEIGHT",
                    "02layer0_backward_l_0_i2h_BIAS", "02layer0_backward_l_0_h2h_BIAS",
                    "03layer1_forward_l_0_i2h_WEIGHT", "03layer1_forward_l_0_h2h_WEIGHT",
                    "03layer1_forward_l_0_i2h_BIAS", "03layer1_forward_l_0_h2h_BIAS",
                    "04layer1_backward_l_0_i2h_WEIGHT", "04layer1_backward_l_0_h2h_WEIGHT",
                    "04layer1_backward_l_0_i2h_BIAS", "04layer1_backward_l_0_h2h_BIAS"),
                    enc.getParameters().keys());
        }
    }

    /** Padded positions are zero and final states equal running each row alone without padding. */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void paddedRowsMatchUnpaddedRuns(CellType type) {
        try (NDManager m = Engines.newManager()) {
            RecurrentEncoder enc = build(type, 2, true);
            initialize(enc, m, 3, new Shape(BATCH, TIME, IN));
            ParameterStore ps = store(m);
            NDArray x = random(m, 4, BATCH, TIME, IN);
            long[] lens = {2, 5, 3}; // unsorted on purpose
            NDArray h0 = random(m, 5, 4, BATCH, HIDDEN);
            NDArray c0 = type == CellType.LSTM ? random(m, 6, 4, BATCH, HIDDEN) : null;
            try (RecurrentOutput out = enc.forward(ps, x, m.create(lens), new RecurrentState(h0, c0), false)) {
                for (int b = 0; b < BATCH; b++) {
                    NDArray xb = x.get(new NDIndex("{}:{}, 0:{}", b, b + 1, lens[b]));
                    RecurrentState sb = new RecurrentState(h0.get(new NDIndex(":, {}:{}", b, b + 1)),
                            c0 == null ? null : c0.get(new NDIndex(":, {}:{}", b, b + 1)));
                    try (RecurrentOutput alone = enc.forward(ps, xb, null, sb, false)) {
                        assertClose(alone.output(), out.output().get(new NDIndex("{}:{}, 0:{}", b, b + 1, lens[b])),
                                TOLERANCE, "row " + b + " output");
                        assertClose(alone.state().h(), out.state().h().get(new NDIndex(":, {}:{}", b, b + 1)),
                                TOLERANCE, "row " + b + " h");
                        if (c0 != null) {
                            assertClose(alone.state().c(), out.state().c().get(new NDIndex(":, {}:{}", b, b + 1)),
                                    TOLERANCE, "row " + b + " c");
                        }
                    }
                    if (lens[b] < TIME) {
                        float[] pad = out.output().get(new NDIndex("{}, {}:", b, lens[b])).toFloatArray();
                        for (float v : pad) {
                            assertEquals(0f, v, 0f, "padded output of row " + b);
                        }
                    }
                }
            }
        }
    }

    /** The backward half equals a unidirectional block with the same weights run on reversed rows. */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void backwardDirectionEqualsUnidirectionalOnReversedInput(CellType type) {
        try (NDManager m = Engines.newManager()) {
            RecurrentEncoder bi = build(type, 1, true);
            RecurrentEncoder uni = build(type, 1, false);
            initialize(bi, m, 7, new Shape(BATCH, TIME, IN));
            initialize(uni, m, 8, new Shape(BATCH, TIME, IN));
            uni.weights(0, 0).copyFrom(bi.weights(0, 1));
            ParameterStore ps = store(m);
            NDArray x = random(m, 9, BATCH, TIME, IN);
            try (RecurrentOutput b = bi.forward(ps, x, null, null, false);
                    RecurrentOutput u = uni.forward(ps, x.flip(1), null, null, false)) {
                assertClose(u.output().flip(1), b.output().get(new NDIndex(":, :, {}:", HIDDEN)), TOLERANCE,
                        "backward outputs");
                assertClose(u.state().h(), b.state().h().get(new NDIndex("1:2")), TOLERANCE, "backward h");
            }
            // with lengths: row b reversed within its length
            long[] lens = {5, 1, 3};
            try (RecurrentOutput b = bi.forward(ps, x, m.create(lens), null, false)) {
                for (int r = 0; r < BATCH; r++) {
                    NDArray xr = x.get(new NDIndex("{}:{}, 0:{}", r, r + 1, lens[r])).flip(1);
                    try (RecurrentOutput u = uni.forward(ps, xr, null, null, false)) {
                        assertClose(u.output().flip(1),
                                b.output().get(new NDIndex("{}:{}, 0:{}, {}:", r, r + 1, lens[r], HIDDEN)),
                                TOLERANCE, "row " + r + " backward outputs");
                        assertClose(u.state().h(), b.state().h().get(new NDIndex("1:2, {}:{}", r, r + 1)),
                                TOLERANCE, "row " + r + " backward h");
                    }
                }
            }
        }
    }

    @Test
    void ndListLayoutRoundTripsAndCallerListIsUntouched() {
        try (NDManager m = Engines.newManager()) {
            RecurrentEncoder enc = build(CellType.LSTM, 1, false);
            initialize(enc, m, 1, new Shape(BATCH, TIME, IN));
            NDArray x = random(m, 2, BATCH, TIME, IN);
            NDList in = new NDList(x, m.create(new int[] {5, 4, 2}));
            NDList out = enc.forward(store(m), in, false);
            assertEquals(2, in.size(), "caller's list must not grow");
            assertEquals(3, out.size());
            assertEquals(new Shape(BATCH, TIME, HIDDEN), out.get(0).getShape());
            assertEquals(new Shape(1, BATCH, HIDDEN), out.get(2).getShape());
        }
    }

    @Test
    void badShapesNameTheActualShape() {
        try (NDManager m = Engines.newManager()) {
            RecurrentEncoder enc = build(CellType.GRU, 2, false);
            initialize(enc, m, 1, new Shape(BATCH, TIME, IN));
            NDArray wrong = random(m, 2, BATCH, TIME, IN + 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> enc.forward(store(m), wrong, null, null, false));
            assertTrue(e.getMessage().contains("(3, 5, 8)"), e.getMessage());
            NDArray x = random(m, 2, BATCH, TIME, IN);
            NDArray badH = m.zeros(new Shape(1, BATCH, HIDDEN));
            e = assertThrows(IllegalArgumentException.class,
                    () -> enc.forward(store(m), x, null, RecurrentState.ofHidden(badH), false));
            assertTrue(e.getMessage().contains("(1, 3, 4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> enc.forward(store(m), x, m.create(new long[] {5, 6, 1}), null, false));
            assertTrue(e.getMessage().contains("[5, 6, 1]"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> RecurrentEncoder.builder().setCellType(CellType.LSTM).setNumLayers(1).build());
        }
    }
}
