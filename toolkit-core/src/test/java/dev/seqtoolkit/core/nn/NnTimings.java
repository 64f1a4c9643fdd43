package dev.seqtoolkit.core.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.engine.Engines;

import java.util.Locale;

/**
 * Not a test: prints timings for planning. Run with the test class path, argument = engine name
 * (on a busy 2-core machine add -Dai.djl.pytorch.num_threads=1, or PyTorch timings are dominated
 * by thread contention):
 * fused forward at batch 32, time 35, in 28, hidden 256, and one explicit LSTM/GRU step at batch 1.
 */
public final class NnTimings {
    private NnTimings() {}

    public static void main(String[] args) {
        String engineName = args.length > 0 ? args[0] : Engines.configuredName();
        Engine engine = Engines.engine(engineName);
        try (NDManager m = engine.newBaseManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            for (CellType type : CellType.values()) {
                RecurrentEncoder enc = RecurrentEncoder.builder().setCellType(type).setStateSize(256).setNumLayers(1).build();
                enc.initialize(m, DataType.FLOAT32, new Shape(32, 35, 28));
                NDArray x = m.randomUniform(-1, 1, new Shape(32, 35, 28));
                double fused = time(50, () -> {
                    try (RecurrentOutput out = enc.forward(ps, x, null, null, false)) {
                        out.output().toFloatArray(); // sync (MXNet is asynchronous)
                    }
                });
                NDArray lengths = m.create(new long[] {35, 34, 33, 30, 28, 27, 25, 25, 20, 20, 20, 19, 18, 18, 17, 16,
                    15, 15, 14, 13, 12, 12, 11, 10, 10, 9, 8, 7, 6, 5, 4, 3});
                double packed = time(20, () -> {
                    try (RecurrentOutput out = enc.forward(ps, x, lengths, null, false)) {
                        out.output().toFloatArray();
                    }
                });
                ExplicitRecurrentEncoder ex = ExplicitRecurrentEncoder.builder().setCellType(type).setStateSize(256).setNumLayers(1).build();
                ex.initialize(m, DataType.FLOAT32, new Shape(32, 35, 28));
                double explicitEnc = time(10, () -> {
                    try (RecurrentOutput out = ex.forward(ps, x, null, null, false)) {
                        out.output().toFloatArray();
                    }
                });
                RecurrentCell cell = type == CellType.LSTM ? LstmCell.builder().setStateSize(256).build()
                        : GruCell.builder().setStateSize(256).build();
                cell.initialize(m, DataType.FLOAT32, new Shape(1, 256));
                double step;
                try (NDManager gen = m.newSubManager();
                        StackedWeights w = cell.stackWeights(ps, gen, m.getDevice(), false)) {
                    NDArray xt = gen.randomUniform(-1, 1, new Shape(1, 256));
                    CellState[] state = {new CellState(gen.zeros(new Shape(1, 256)),
                            type == CellType.LSTM ? gen.zeros(new Shape(1, 256)) : null)};
                    int steps = 2000;
                    step = time(1, () -> {
                        for (int t = 0; t < steps; t++) {
                            CellState next = cell.step(w, xt, state[0]);
                            if (t > 0) {
                                state[0].close();
                            }
                            state[0] = next;
                        }
                        state[0].h().toFloatArray();
                    }) / steps;
                }
                System.out.printf(Locale.ROOT,
                        "%s %s: fused forward (32,35,28)->256: %.2f ms; with 32 distinct-ish lengths: %.2f ms;"
                                + " explicit encoder: %.2f ms; explicit cell step batch 1, in 256, hidden 256: %.1f us%n",
                        engine.getEngineName(), type, fused, packed, explicitEnc, step * 1000);
            }
        }
    }

    /** Mean milliseconds per run after warm-up. */
    private static double time(int runs, Runnable r) {
        for (int i = 0; i < Math.max(3, runs / 5); i++) {
            r.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            r.run();
        }
        return (System.nanoTime() - start) / 1e6 / runs;
    }
}
