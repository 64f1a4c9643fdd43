package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/** y = x . (1.5, -2, 0.5) + 0.3 on 24 synthetic examples of 3 features, batches of 4; a test fixture. */
final class TinyRegression implements TrainingTask<TinyRegression.Batch> {
    static final int FEATURES = 3;
    static final int EXAMPLES = 24;
    static final int BATCH = 4;

    record Batch(float[] x, float[] y, int size) {}

    final Block block;
    final float[][] xs = new float[EXAMPLES][FEATURES];
    final float[] ys = new float[EXAMPLES];
    /** Training call (1-based) whose loss is replaced by NaN; 0 for never. */
    int nanAtCall;
    int trainingCalls;

    TinyRegression(NDManager manager) {
        Linear linear = Linear.builder().setUnits(1).build();
        linear.setInitializer(new ConstantInitializer(0.1f), Parameter.Type.WEIGHT);
        linear.initialize(manager, DataType.FLOAT32, new Shape(BATCH, FEATURES));
        block = linear;
        Random random = new Random(7);
        float[] w = {1.5f, -2f, 0.5f};
        for (int i = 0; i < EXAMPLES; i++) {
            float y = 0.3f;
            for (int j = 0; j < FEATURES; j++) {
                xs[i][j] = (float) random.nextGaussian();
                y += w[j] * xs[i][j];
            }
            ys[i] = y;
        }
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public Shape[] inputShapes() {
        return new Shape[] {new Shape(BATCH, FEATURES)};
    }

    @Override
    public LossResult loss(NDManager step, ParameterStore ps, Batch batch, boolean training) {
        NDArray x = step.create(batch.x(), new Shape(batch.size(), FEATURES));
        NDArray y = step.create(batch.y(), new Shape(batch.size(), 1));
        NDArray prediction = block.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray loss = prediction.sub(y).square().sum();
        if (training && ++trainingCalls == nanAtCall) {
            loss = loss.mul(Float.NaN);
        }
        return new LossResult(loss, batch.size());
    }

    /** Batches in an order shuffled by (seed, epoch). */
    BatchSource<Batch> source(long seed) {
        return new BatchSource<>() {
            @Override
            public Iterator<Batch> epoch(int epoch) {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < EXAMPLES; i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new Random(seed * 1000 + epoch));
                List<Batch> batches = new ArrayList<>();
                for (int start = 0; start < EXAMPLES; start += BATCH) {
                    float[] x = new float[BATCH * FEATURES];
                    float[] y = new float[BATCH];
                    for (int k = 0; k < BATCH; k++) {
                        int i = order.get(start + k);
                        System.arraycopy(xs[i], 0, x, k * FEATURES, FEATURES);
                        y[k] = ys[i];
                    }
                    batches.add(new Batch(x, y, BATCH));
                }
                return batches.iterator();
            }

            @Override
            public int batchesPerEpoch() {
                return EXAMPLES / BATCH;
            }
        };
    }

    /** All parameter values, flattened in the block's order. */
    float[] parameters() {
        List<Float> values = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            for (float f : p.getValue().getArray().toFloatArray()) {
                values.add(f);
            }
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
