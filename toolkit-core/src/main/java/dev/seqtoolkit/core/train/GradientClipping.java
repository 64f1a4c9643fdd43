package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.List;

/**
 * Rescales gradients in place between the backward pass and the optimizer update.
 *
 * <ul>
 *   <li>{@link #byValue}: each element clamped to {@code [-c, c]};
 *   <li>{@link #byNorm}: each parameter's gradient scaled to L2 norm at most {@code maxNorm};
 *   <li>{@link #byGlobalNorm}: all gradients scaled together so that their joint L2 norm is at
 *       most {@code maxNorm} (like {@code torch.nn.utils.clip_grad_norm_}).
 * </ul>
 *
 * The scale {@code maxNorm / max(norm, maxNorm)} is computed on the device, so clipping costs no
 * host synchronisation. The caller owns the gradient handles (attach them to a per-step manager).
 */
public final class GradientClipping {
    private enum Kind { NONE, VALUE, NORM, GLOBAL_NORM }

    private final Kind kind;
    private final float threshold;

    private GradientClipping(Kind kind, float threshold) {
        if (kind != Kind.NONE && (!(threshold > 0) || Float.isInfinite(threshold))) {
            throw new IllegalArgumentException("Gradient clipping threshold must be positive and finite, got " + threshold);
        }
        this.kind = kind;
        this.threshold = threshold;
    }

    public static GradientClipping none() {
        return new GradientClipping(Kind.NONE, 0);
    }

    public static GradientClipping byValue(float maxAbsValue) {
        return new GradientClipping(Kind.VALUE, maxAbsValue);
    }

    public static GradientClipping byNorm(float maxNorm) {
        return new GradientClipping(Kind.NORM, maxNorm);
    }

    public static GradientClipping byGlobalNorm(float maxNorm) {
        return new GradientClipping(Kind.GLOBAL_NORM, maxNorm);
    }

    public boolean isEnabled() {
        return kind != Kind.NONE;
    }

    /**
     * Clips {@code gradients} in place. Temporaries go to each gradient's manager, so attach the
     * gradients to a per-step manager first.
     */
    public void clip(List<NDArray> gradients) {
        if (gradients.isEmpty()) {
            return;
        }
        switch (kind) {
            case NONE:
                return;
            case VALUE:
                for (NDArray g : gradients) {
                    NDArray clipped = g.clip(-threshold, threshold);
                    g.muli(0).addi(clipped); // exact in-place assignment of the clipped values
                }
                return;
            case NORM:
                for (NDArray g : gradients) {
                    g.muli(scale(g.square().sum()));
                }
                return;
            case GLOBAL_NORM:
                NDList squares = new NDList(gradients.size());
                for (NDArray g : gradients) {
                    squares.add(g.square().sum());
                }
                NDArray sumOfSquares = NDArrays.stack(squares).sum();
                NDArray scale = scale(sumOfSquares);
                for (NDArray g : gradients) {
                    g.muli(scale);
                }
                return;
            default:
                throw new AssertionError(kind);
        }
    }

    /** {@code threshold / max(sqrt(sumOfSquares), threshold)}: 1 when within the limit. */
    private NDArray scale(NDArray sumOfSquares) {
        NDArray norm = sumOfSquares.sqrt();
        return NDArrays.div(threshold, norm.maximum(threshold));
    }

    @Override
    public String toString() {
        return kind == Kind.NONE ? "no clipping" : kind.name().toLowerCase() + " <= " + threshold;
    }
}
