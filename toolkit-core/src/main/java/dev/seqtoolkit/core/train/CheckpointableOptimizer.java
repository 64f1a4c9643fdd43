package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DJL {@link Optimizer} whose whole state (per-parameter slots such as moments, and per-parameter
 * step counts) can be saved and restored, keyed by parameter NAME (DJL's parameter ids are random
 * per block instance, names are stable across instances of the same structure).
 *
 * <p>The learning rate is set from outside before every step ({@link #setLearningRate}), normally by
 * the trainer's {@link LearningRateSchedule}. DJL's own {@code optClipGrad} (elementwise) is
 * rejected; use {@link GradientClipping}.
 */
public abstract class CheckpointableOptimizer extends Optimizer {
    private static final int MAGIC = 0x53544F50; // "STOP"
    private static final int VERSION = 1;

    private final Map<String, String> idToName = new ConcurrentHashMap<>();
    private final Map<String, NDArray[]> slots = new ConcurrentHashMap<>();
    private final Map<String, Integer> steps = new ConcurrentHashMap<>();
    private NDManager stateManager;
    private volatile float learningRate = Float.NaN;

    protected CheckpointableOptimizer(OptimizerBuilder<?> builder) {
        super(builder);
        if (clipGrad > 0) {
            throw new IllegalArgumentException(
                    "optClipGrad(" + clipGrad + ") clips elementwise; use GradientClipping in the trainer instead");
        }
        if (!(rescaleGrad > 0) || Float.isInfinite(rescaleGrad)) {
            throw new IllegalArgumentException("rescaleGrad must be positive and finite, got " + rescaleGrad);
        }
        float wd = getWeightDecay();
        if (!(wd >= 0) || Float.isInfinite(wd)) {
            throw new IllegalArgumentException("weight decay must be >= 0 and finite, got " + wd);
        }
    }

    /** A short type name written into checkpoints, e.g. {@code adam}. */
    public abstract String typeName();

    /** Number of state slots per parameter (Adam: 2, SGD with momentum: 1). */
    protected abstract int slotCount();

    /**
     * Updates {@code weight} in place. All arrays given are attached to a manager that is closed
     * right after this call, so temporaries need no care; {@code state} arrays must be updated in place.
     *
     * @param weight the parameter
     * @param grad its gradient (already clipped by the trainer)
     * @param state this parameter's slots, zeros at the first step
     * @param step 1-based update count of this parameter
     * @param lr the current learning rate
     */
    protected abstract void apply(NDArray weight, NDArray grad, NDArray[] state, int step, float lr);

    /**
     * Binds the optimizer to a block (so state is keyed by parameter name) and to the manager that
     * owns its state arrays. Called by the trainer; call it yourself to use the optimizer alone.
     */
    public void bind(Block block, NDManager stateManager) {
        this.stateManager = Objects.requireNonNull(stateManager, "stateManager");
        idToName.clear();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            idToName.put(pair.getValue().getId(), pair.getKey());
        }
    }

    public void setLearningRate(float learningRate) {
        if (!(learningRate >= 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be >= 0 and finite, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    public float getLearningRate() {
        return learningRate;
    }

    /** The number of updates applied to the named parameter so far. */
    public int stepCount(String parameterName) {
        return steps.getOrDefault(parameterName, 0);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        if (stateManager == null) {
            throw new IllegalStateException(typeName() + " optimizer is not bound: call bind(block, manager) first");
        }
        if (Float.isNaN(learningRate)) {
            throw new IllegalStateException(typeName() + " optimizer: learning rate was never set");
        }
        String name = idToName.getOrDefault(parameterId, parameterId);
        NDArray[] state = slots.computeIfAbsent(name, k -> {
            NDArray[] s = new NDArray[slotCount()];
            for (int i = 0; i < s.length; i++) {
                s[i] = stateManager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
            }
            return s;
        });
        int step = steps.merge(name, 1, Integer::sum);
        try (NDManager scope = stateManager.newSubManager(weight.getDevice())) {
            NDList attached = new NDList(weight, grad);
            for (NDArray s : state) {
                attached.add(s);
            }
            scope.tempAttachAll(attached);
            NDArray g = rescaleGrad == 1f ? grad : grad.mul(rescaleGrad);
            float wd = getWeightDecay();
            if (wd > 0) {
                g = g.add(weight.mul(wd));
            }
            apply(weight, g, state, step, learningRate);
        }
    }

    /** Writes every slot and step count. */
    public void saveState(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(typeName());
        out.writeInt(slotCount());
        Map<String, NDArray[]> sorted = new TreeMap<>(slots);
        out.writeInt(sorted.size());
        for (Map.Entry<String, NDArray[]> e : sorted.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(steps.getOrDefault(e.getKey(), 0));
            for (NDArray s : e.getValue()) {
                byte[] bytes = s.encode();
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }
    }

    /** Replaces the state with what {@link #saveState} wrote; fails naming the mismatch. */
    public void loadState(DataInputStream in, String source) throws IOException {
        if (stateManager == null) {
            throw new IllegalStateException(typeName() + " optimizer is not bound: call bind(block, manager) first");
        }
        if (in.readInt() != MAGIC) {
            throw new IOException(source + " is not an optimizer state file");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException(source + " has optimizer state version " + version + ", expected " + VERSION);
        }
        String type = in.readUTF();
        int slotCount = in.readInt();
        if (!type.equals(typeName()) || slotCount != slotCount()) {
            throw new IOException(source + " holds " + type + " state with " + slotCount + " slots; this optimizer is "
                    + typeName() + " with " + slotCount());
        }
        Map<String, NDArray[]> loaded = new ConcurrentHashMap<>();
        Map<String, Integer> loadedSteps = new ConcurrentHashMap<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            loadedSteps.put(name, in.readInt());
            NDArray[] s = new NDArray[slotCount];
            for (int j = 0; j < slotCount; j++) {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                s[j] = stateManager.decode(bytes);
            }
            loaded.put(name, s);
        }
        clearState();
        slots.putAll(loaded);
        steps.putAll(loadedSteps);
    }

    /** Closes all state arrays and forgets step counts. */
    public void clearState() {
        slots.values().forEach(s -> new NDList(s).close());
        slots.clear();
        steps.clear();
    }
}
