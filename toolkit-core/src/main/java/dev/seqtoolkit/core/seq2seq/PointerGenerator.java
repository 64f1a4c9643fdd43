package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.seqtoolkit.core.decode.SpecialIds;
import dev.seqtoolkit.core.engine.HostArrays;

import java.util.List;

/**
 * The pointer-generator's final distribution (See et al. 2017) over an extended vocabulary:
 *
 * <pre>
 *   P(w) = p_gen P_vocab(w) + (1 - p_gen) sum_{i: x_i = w} a_i       p_gen = sigmoid(z)
 * </pre>
 *
 * where {@code P_vocab} is the softmax of the output layer (zero for extended ids {@code >= V}),
 * {@code a} the step's attention and {@code x_i} the extended id of source position {@code i}.
 * Source words outside the vocabulary carry per-sentence extended ids {@code V, V+1, ...}
 * ({@link dev.seqtoolkit.core.text.ExtendedVocabulary}); the embeddings read them as {@code <unk>}.
 *
 * <p>Cost: training never builds the {@code (batch, tgtLen, V_ext)} distribution. The loss needs only
 * {@code P(target)}: the vocabulary part is picked from the log-softmax, the copy part is a {@code
 * (batch, tgtLen, srcLen)} match mask (built on the host) times the attention, summed over source
 * positions. Decoding mixes on the host ({@link #mix}), rows times source length.
 */
public final class PointerGenerator {

    /** Added to {@code P(target)} inside the loss's log so that an impossible target costs about 23, not infinity. */
    public static final float LOG_EPSILON = 1e-10f;

    private PointerGenerator() {}

    /**
     * Model ids: every extended id ({@code >= vocabSize}) becomes {@code <unk>}.
     *
     * @param ids ids, extended or not
     * @return a new array
     */
    public static int[] modelIds(int[] ids, int vocabSize) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i] >= vocabSize ? SpecialIds.UNK : ids[i];
        }
        return out;
    }

    /**
     * Checks the extended ids of one source and returns the extended vocabulary it needs: ids must be in
     * {@code [0, vocabSize + length)}, since a sentence numbers its own unknown words from {@code
     * vocabSize}.
     *
     * @param what the source's name in messages
     * @return {@code vocabSize} plus the source's largest extended id minus {@code vocabSize} plus one
     */
    public static int extendedSize(int[] ids, int vocabSize, String what) {
        int size = vocabSize;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize + ids.length) {
                throw new IllegalArgumentException(what + " holds id " + ids[i] + " at position " + i
                        + ", outside [0, " + (vocabSize + ids.length) + "): a sentence of " + ids.length
                        + " tokens numbers its unknown words from " + vocabSize);
            }
            size = Math.max(size, ids[i] + 1);
        }
        return size;
    }

    /**
     * The teacher-forced probability of each target token under the final distribution.
     *
     * @param out the forward of a copy model: logits {@code (batch, tgtLen, V)}, attention {@code
     *     (batch, tgtLen, srcLen)} and generation logits {@code (batch, tgtLen)}
     * @param sourceIds the extended source ids of each row (its length is the row's source length)
     * @param targetIds {@code [batch][tgtLen]} the extended target ids {@code y <eos>}, padded with
     *     anything (the caller masks padding)
     * @param vocabSize {@code V}
     * @return {@code (batch, tgtLen)} {@code P(target)}, in the logits' manager
     */
    public static NDArray targetProbabilities(Seq2SeqOutput out, List<int[]> sourceIds, int[][] targetIds,
            int vocabSize) {
        if (out.generationLogits() == null) {
            throw new IllegalArgumentException("the output has no generation logits: the model has no copy mechanism");
        }
        Shape ls = out.logits().getShape();
        Shape as = out.attention().getShape();
        int batch = (int) ls.get(0);
        int tgtLen = (int) ls.get(1);
        int srcLen = (int) as.get(2);
        if (ls.get(2) != vocabSize || sourceIds.size() != batch || targetIds.length != batch
                || as.get(0) != batch || as.get(1) != tgtLen) {
            throw new IllegalArgumentException("targetProbabilities: logits " + ls + " (vocab " + vocabSize
                    + "), attention " + as + ", " + sourceIds.size() + " sources and " + targetIds.length
                    + " target rows do not agree");
        }
        long[] pick = new long[batch * tgtLen];
        float[] inVocab = new float[batch * tgtLen];
        float[] match = new float[batch * tgtLen * srcLen];
        for (int b = 0; b < batch; b++) {
            int[] src = sourceIds.get(b);
            if (src.length > srcLen) {
                throw new IllegalArgumentException("source " + b + " has " + src.length
                        + " ids but the attention covers " + srcLen + " positions");
            }
            if (targetIds[b].length != tgtLen) {
                throw new IllegalArgumentException("target row " + b + " has " + targetIds[b].length
                        + " ids, expected tgtLen " + tgtLen);
            }
            for (int t = 0; t < tgtLen; t++) {
                int y = targetIds[b][t];
                int o = b * tgtLen + t;
                if (y >= 0 && y < vocabSize) {
                    pick[o] = y;
                    inVocab[o] = 1f;
                }
                for (int i = 0; i < src.length; i++) {
                    if (src[i] == y) {
                        match[o * srcLen + i] = 1f;
                    }
                }
            }
        }
        NDManager manager = out.logits().getManager();
        // autograd keeps the index and masks for the backward pass: engine-owned copies
        NDArray index = HostArrays.owned(manager, pick).reshape(-1, 1); // (N, 1)
        NDArray vocabMask = HostArrays.owned(manager, inVocab, new Shape(batch, tgtLen));
        NDArray matchMask = HostArrays.owned(manager, match, new Shape(batch, tgtLen, srcLen));
        NDArray logProbs = out.logits().logSoftmax(2).reshape(-1, vocabSize); // (N, V)
        NDArray picked = logProbs.get(new NDIndex().addAllDim().addPickDim(index)).reshape(batch, tgtLen);
        NDArray pVocab = picked.exp().mul(vocabMask); // (batch, tgtLen), 0 for extended targets
        NDArray pCopy = out.attention().mul(matchMask).sum(new int[] {2}); // (batch, tgtLen)
        NDArray pGen = Activation.sigmoid(out.generationLogits()); // (batch, tgtLen)
        return pGen.mul(pVocab).add(pGen.neg().add(1f).mul(pCopy));
    }

    /**
     * The summed negative log-likelihood {@code -log(P(target) + }{@value #LOG_EPSILON}{@code )} over
     * unmasked positions, a scalar in the logits' manager.
     *
     * @param targetMask {@code (batch, tgtLen)} 1 for positions that count
     * @see #targetProbabilities
     */
    public static NDArray loss(Seq2SeqOutput out, List<int[]> sourceIds, int[][] targetIds, int vocabSize,
            NDArray targetMask) {
        NDArray p = targetProbabilities(out, sourceIds, targetIds, vocabSize);
        return p.add(LOG_EPSILON).log().neg().mul(targetMask).sum();
    }

    /**
     * Mixes one decoding step on the host: log-probabilities over the extended vocabulary.
     *
     * @param vocabLogProbs {@code rows * V} log-softmax of the output layer, row-major
     * @param vocabSize {@code V}
     * @param generationLogits {@code rows} values of {@code z}, {@code p_gen = sigmoid(z)}
     * @param attention {@code rows * srcLen} attention weights, row-major
     * @param srcLen the attention's row stride
     * @param copyIds {@code rows * srcLen} extended source ids, negative at padding
     * @param extendedSize {@code V_ext >= V}: the row stride of the result
     * @return {@code rows * V_ext} log-probabilities; {@code -inf} for extended ids no source position
     *     of the row carries
     */
    public static float[] mix(float[] vocabLogProbs, int vocabSize, float[] generationLogits, float[] attention,
            int srcLen, int[] copyIds, int extendedSize) {
        int rows = generationLogits.length;
        if (vocabLogProbs.length != rows * vocabSize || attention.length != rows * srcLen
                || copyIds.length != rows * srcLen || extendedSize < vocabSize) {
            throw new IllegalArgumentException("mix: " + rows + " rows need " + rows * vocabSize
                    + " log-probs and " + rows * srcLen + " attention weights and copy ids with V_ext >= V; got "
                    + vocabLogProbs.length + ", " + attention.length + ", " + copyIds.length + " and V_ext "
                    + extendedSize + " < V " + vocabSize);
        }
        float[] out = new float[rows * extendedSize];
        double[] mass = new double[extendedSize];
        for (int r = 0; r < rows; r++) {
            double z = generationLogits[r];
            double logGen = logSigmoid(z);
            double copyShare = Math.exp(logSigmoid(-z)); // 1 - p_gen
            int o = r * extendedSize;
            for (int v = 0; v < vocabSize; v++) {
                out[o + v] = (float) (logGen + vocabLogProbs[r * vocabSize + v]);
            }
            java.util.Arrays.fill(out, o + vocabSize, o + extendedSize, Float.NEGATIVE_INFINITY);
            int a = r * srcLen;
            for (int i = 0; i < srcLen; i++) {
                int id = copyIds[a + i];
                if (id >= 0) {
                    mass[id] += attention[a + i];
                }
            }
            for (int i = 0; i < srcLen; i++) {
                int id = copyIds[a + i];
                if (id >= 0 && mass[id] != 0) {
                    double generated = id < vocabSize ? Math.exp(logGen + vocabLogProbs[r * vocabSize + id]) : 0;
                    out[o + id] = (float) Math.log(generated + copyShare * mass[id]);
                    mass[id] = 0; // done; later positions with the same id skip it
                }
            }
        }
        return out;
    }

    /** {@code log(sigmoid(z))} without overflow. */
    static double logSigmoid(double z) {
        return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
    }
}
