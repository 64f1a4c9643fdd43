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
 * <p>As a {@link ai.djl.nn.Block}, {@code forward} takes {@code [query, keys, values]} or {@code
 * [query, keys, values, sourceMask]} and returns a new list {@code [context, weights]}.
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

    @Override
    public final AttentionResult attend(
            ParameterStore ps,
            NDArray query,
            AttentionKeys keys,
            NDArray values,
            NDArray sourceMask,
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
        NDManager owner = query.getManager();
        try (NDManager scope = Masks.scope(owner, query, keys.prepared(), values, sourceMask)) {
            NDArray scores = scores(ps, query, keys.prepared(), training); // (batch, qLen, srcLen)
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
        if (inputs.size() != 3 && inputs.size() != 4) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName()
                            + ": expected [query, keys, values] or [query, keys, values, mask], got "
                            + inputs.size()
                            + " arrays");
        }
        NDArray mask = inputs.size() == 4 ? inputs.get(3) : null;
        AttentionResult r = attend(ps, inputs.get(0), inputs.get(1), inputs.get(2), mask, training);
        return new NDList(r.context(), r.weights());
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
