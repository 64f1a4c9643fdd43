package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The shared half of every attention block: shape checks, the masked softmax, the weighted sum of
 * values and memory scoping. Subclasses say how keys are prepared and how scores are computed.
 *
 * <p>As a {@link ai.djl.nn.Block}, {@code forward} takes {@code [query, keys, values]}, {@code
 * [query, keys, values, sourceMask]} or (coverage attention) {@code [query, keys, values, sourceMask,
 * coverage]} and returns a new list {@code [context, weights]}.
 */
public abstract class AbstractAttention extends AbstractBlock implements Attention {

    /** Creates the block with a parameter encoding version. */
    protected AbstractAttention(byte version) {
        super(version);
    }

    /**
     * Prepares keys. Runs inside a scope: intermediates are closed by the caller of this method,
     * and the returned array is attached to the keys' manager.
     *
     * @param ps the parameter store
     * @param keys {@code (batch, srcLen, kDim)}, already checked by {@link #checkKeys}
     * @param training whether this is a training forward
     * @return the prepared keys {@code (batch, srcLen, d)}, or {@code keys} itself
     */
    protected abstract NDArray prepareKeys(ParameterStore ps, NDArray keys, boolean training);

    /**
     * Computes raw scores. Runs inside a scope, so intermediates need no closing; products must
     * take an input (never a parameter) as first operand so that results land in the scope.
     *
     * @param ps the parameter store
     * @param query {@code (batch, queryLen, qDim)}, checked by {@link #checkQuery}
     * @param prepared {@code (batch, srcLen, d)} from {@link #prepareKeys}
     * @param training whether this is a training forward
     * @return scores {@code (batch, queryLen, srcLen)}
     */
    protected abstract NDArray scores(
            ParameterStore ps, NDArray query, NDArray prepared, boolean training);

    /** Checks the raw keys' shape; subclasses add their dimension checks. */
    protected void checkKeys(NDArray keys) {
        if (keys.getShape().dimension() != 3) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName()
                            + ": keys must be (batch, srcLen, kDim), got "
                            + keys.getShape());
        }
    }

    /** Checks the query's shape against the raw keys' shape; subclasses add dimension checks. */
    protected void checkQuery(NDArray query, Shape keysShape) {
        Shape q = query.getShape();
        if (q.dimension() != 3 || q.get(0) != keysShape.get(0)) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName()
                            + ": query must be (batch, queryLen, qDim) with batch "
                            + keysShape.get(0)
                            + " of keys "
                            + keysShape
                            + ", got "
                            + q);
        }
    }

    @Override
    public final AttentionKeys precomputeKeys(ParameterStore ps, NDArray keys, boolean training) {
        checkKeys(keys);
        NDManager owner = keys.getManager();
        try (NDManager scope = Masks.scope(owner, keys)) {
            NDArray prepared = prepareKeys(ps, keys, training);
            if (prepared == keys) {
                return new AttentionKeys(this, keys.getShape(), keys, false);
            }
            prepared.attach(owner);
            return new AttentionKeys(this, keys.getShape(), prepared, true);
        }
    }

    /**
     * Computes raw scores that also read a coverage vector (See et al. 2017). Attentions that take no
     * coverage keep this default, which refuses.
     *
     * @param coverage {@code (batch, queryLen, srcLen)}, checked by {@link #attend(ParameterStore,
     *     NDArray, AttentionKeys, NDArray, NDArray, NDArray, boolean)}
     * @return scores {@code (batch, queryLen, srcLen)}
     */
    protected NDArray scores(
            ParameterStore ps, NDArray query, NDArray prepared, NDArray coverage, boolean training) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " does not read coverage; coverage is an option of AdditiveAttention (optCoverage)");
    }

    /** @return true if this attention's scores read a coverage vector, which every call must then give */
    public boolean usesCoverage() {
        return false;
    }

    @Override
    public final AttentionResult attend(
            ParameterStore ps,
            NDArray query,
            AttentionKeys keys,
            NDArray values,
            NDArray sourceMask,
            boolean training) {
        return attend(ps, query, keys, values, sourceMask, null, training);
    }

    /**
     * Attends with keys prepared by {@link #precomputeKeys} and, for an attention that {@link
     * #usesCoverage() uses coverage}, the coverage of every source position: the sum of the attention
     * weights of the earlier decoder steps.
     *
     * @param coverage {@code (batch, queryLen, srcLen)}; required if and only if {@link #usesCoverage()}
     * @return context {@code (batch, queryLen, vDim)} and weights {@code (batch, queryLen, srcLen)}
     */
    public final AttentionResult attend(
            ParameterStore ps,
            NDArray query,
            AttentionKeys keys,
            NDArray values,
            NDArray sourceMask,
            NDArray coverage,
            boolean training) {
        if (keys.owner() != this) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + ": keys were prepared by another attention");
        }
        Shape k = keys.keysShape();
        checkQuery(query, k);
        Shape v = values.getShape();
        if (v.dimension() != 3 || v.get(0) != k.get(0) || v.get(1) != k.get(1)) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName()
                            + ": values must be (batch, srcLen, vDim) matching keys "
                            + k
                            + ", got "
                            + v);
        }
        Masks.checkMask(sourceMask, k.get(0), k.get(1), getClass().getSimpleName());
        if (usesCoverage() != (coverage != null)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + (usesCoverage()
                    ? " was built with coverage: every call must give the coverage (batch, queryLen, srcLen)"
                    : " reads no coverage, but a coverage array was given"));
        }
        if (coverage != null) {
            Shape c = coverage.getShape();
            Shape want = new Shape(k.get(0), query.getShape().get(1), k.get(1));
            if (!c.equals(want)) {
                throw new IllegalArgumentException(getClass().getSimpleName()
                        + ": coverage must be (batch, queryLen, srcLen) = " + want + ", got " + c);
            }
        }
        NDManager owner = query.getManager();
        try (NDManager scope = Masks.scope(owner, query, keys.prepared(), values, sourceMask, coverage)) {
            NDArray scores = coverage == null
                    ? scores(ps, query, keys.prepared(), training)
                    : scores(ps, query, keys.prepared(), coverage, training); // (batch, qLen, srcLen)
            NDArray weights = Masks.maskedSoftmax(scores, sourceMask); // (batch, qLen, srcLen)
            NDArray context = weights.matMul(values); // (batch, qLen, vDim)
            context.attach(owner);
            weights.attach(owner);
            return new AttentionResult(context, weights);
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() < 3 || inputs.size() > 5) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName()
                            + ": expected [query, keys, values], [query, keys, values, mask] or"
                            + " [query, keys, values, mask, coverage], got "
                            + inputs.size()
                            + " arrays");
        }
        NDArray mask = inputs.size() >= 4 ? inputs.get(3) : null;
        NDArray coverage = inputs.size() == 5 ? inputs.get(4) : null;
        try (AttentionKeys prepared = precomputeKeys(ps, inputs.get(1), training)) {
            AttentionResult r = attend(ps, inputs.get(0), prepared, inputs.get(2), mask, coverage, training);
            return new NDList(r.context(), r.weights());
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape q = inputs[0];
        Shape v = inputs[2];
        return new Shape[] {
            new Shape(q.get(0), q.get(1), v.get(2)), new Shape(q.get(0), q.get(1), v.get(1))
        };
    }

    /** Reshapes {@code (a, b, c)} to {@code (a * b, c)}. */
    static NDArray flatten3(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0) * s.get(1), s.get(2));
    }
}
