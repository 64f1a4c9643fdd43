package dev.seqtoolkit.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Summed token-level cross-entropy with an optional mask and label smoothing, built from operations
 * both engines implement ({@code logSoftmax}, {@code gather}); DJL's own masked loss throws on the
 * PyTorch engine.
 *
 * <p>With smoothing {@code eps} the target distribution puts {@code 1 - eps} on the label and spreads
 * {@code eps} uniformly over the whole vocabulary (as in Szegedy et al. 2016 and most NMT toolkits),
 * so the per-token loss is {@code -(1 - eps) log p(y) - eps/V sum_v log p(v)}.
 */
public final class CrossEntropy {
    private final float labelSmoothing;

    private CrossEntropy(float labelSmoothing) {
        this.labelSmoothing = labelSmoothing;
    }

    /** Plain cross-entropy. */
    public static CrossEntropy plain() {
        return new CrossEntropy(0f);
    }

    /** Cross-entropy with label smoothing {@code eps} in {@code [0, 1)}. */
    public static CrossEntropy smoothed(float eps) {
        if (!(eps >= 0f && eps < 1f)) {
            throw new IllegalArgumentException("Label smoothing must be in [0, 1), got " + eps);
        }
        return new CrossEntropy(eps);
    }

    public float labelSmoothing() {
        return labelSmoothing;
    }

    /**
     * The summed loss over unmasked positions, a scalar attached to {@code logits}' manager.
     *
     * @param logits {@code (N, V)} or {@code (batch, time, V)} unnormalised scores
     * @param labels {@code (N)} or {@code (batch, time)} class ids, any integer type
     * @param mask {@code (N)} or {@code (batch, time)}, 1 for positions that count and 0 for padding,
     *     or null when every position counts
     */
    public NDArray sum(NDArray logits, NDArray labels, NDArray mask) {
        Shape logitShape = logits.getShape();
        Shape labelShape = labels.getShape();
        if (logitShape.dimension() < 2 || !logitShape.slice(0, logitShape.dimension() - 1).equals(labelShape)) {
            throw new IllegalArgumentException(
                    "logits " + logitShape + " must be labels " + labelShape + " plus a class axis");
        }
        if (mask != null && !mask.getShape().equals(labelShape)) {
            throw new IllegalArgumentException("mask " + mask.getShape() + " must match labels " + labelShape);
        }
        long classes = logitShape.get(logitShape.dimension() - 1);
        NDArray flatLogits = logits.reshape(-1, classes); // (N, V)
        NDArray logProbs = flatLogits.logSoftmax(1); // (N, V)
        NDArray index = labels.reshape(-1, 1).toType(DataType.INT64, false); // (N, 1)
        // pick works on both engines (gather is missing on MXNet)
        NDArray picked = logProbs.get(new NDIndex().addAllDim().addPickDim(index)).reshape(-1); // (N)
        NDArray perToken = picked.neg();
        if (labelSmoothing > 0f) {
            NDArray uniform = logProbs.mean(new int[] {1}).neg(); // (N): -1/V sum_v log p(v)
            perToken = perToken.mul(1f - labelSmoothing).add(uniform.mul(labelSmoothing));
        }
        if (mask != null) {
            perToken = perToken.mul(mask.reshape(-1).toType(DataType.FLOAT32, false));
        }
        return perToken.sum();
    }
}
