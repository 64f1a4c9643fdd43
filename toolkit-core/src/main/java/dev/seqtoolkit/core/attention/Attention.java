package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * Attention of a batch of queries over a batch of source positions.
 *
 * <p>Shapes: {@code query (batch, queryLen, qDim)}, {@code keys (batch, srcLen, kDim)}, {@code values
 * (batch, srcLen, vDim)}, {@code sourceMask (batch, srcLen)} with 1 for a real position and 0 for
 * padding (any numeric type; {@code null} means every position is real). The result holds {@code
 * context (batch, queryLen, vDim)} and {@code weights (batch, queryLen, srcLen)}.
 *
 * <p>{@code queryLen > 1} lets a Luong decoder attend for every target step in one batched product
 * under teacher forcing; {@code queryLen = 1} serves step-by-step decoding.
 *
 * <p>Masking contract, shared by every implementation: padded positions get exactly {@code 0.0}
 * weight; the weights of a row sum to 1 over its real positions; a fully masked row gets all-zero
 * weights and a zero context (never NaN).
 *
 * <p>Memory: the returned arrays belong to the manager of {@code query}; intermediates are closed
 * before returning. Nothing passed in is modified or closed.
 */
public interface Attention {

    /**
     * Prepares keys once per source batch (for instance projects them), so that per-step decoding
     * does not repeat that work. The result is reused by {@link #attend(ParameterStore, NDArray,
     * AttentionKeys, NDArray, NDArray, boolean)} and closed by the caller.
     *
     * @param ps the parameter store
     * @param keys {@code (batch, srcLen, kDim)}
     * @param training whether this is a training forward
     * @return keys prepared for this attention, owned by the manager of {@code keys}
     */
    AttentionKeys precomputeKeys(ParameterStore ps, NDArray keys, boolean training);

    /**
     * Attends with keys prepared by {@link #precomputeKeys}.
     *
     * @param ps the parameter store
     * @param query {@code (batch, queryLen, qDim)}
     * @param keys keys prepared by this attention, for {@code (batch, srcLen, kDim)}
     * @param values {@code (batch, srcLen, vDim)}
     * @param sourceMask {@code (batch, srcLen)}, 1 real and 0 padding; or {@code null}
     * @param training whether this is a training forward
     * @return context {@code (batch, queryLen, vDim)} and weights {@code (batch, queryLen, srcLen)}
     */
    AttentionResult attend(
            ParameterStore ps,
            NDArray query,
            AttentionKeys keys,
            NDArray values,
            NDArray sourceMask,
            boolean training);

    /**
     * Attends over raw keys: {@link #precomputeKeys} then {@link #attend(ParameterStore, NDArray,
     * AttentionKeys, NDArray, NDArray, boolean)}.
     *
     * @param ps the parameter store
     * @param query {@code (batch, queryLen, qDim)}
     * @param keys {@code (batch, srcLen, kDim)}
     * @param values {@code (batch, srcLen, vDim)}
     * @param sourceMask {@code (batch, srcLen)}, 1 real and 0 padding; or {@code null}
     * @param training whether this is a training forward
     * @return context {@code (batch, queryLen, vDim)} and weights {@code (batch, queryLen, srcLen)}
     */
    default AttentionResult attend(
            ParameterStore ps,
            NDArray query,
            NDArray keys,
            NDArray values,
            NDArray sourceMask,
            boolean training) {
        try (AttentionKeys prepared = precomputeKeys(ps, keys, training)) {
            return attend(ps, query, prepared, values, sourceMask, training);
        }
    }
}
