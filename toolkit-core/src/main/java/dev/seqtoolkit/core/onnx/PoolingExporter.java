package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.seqtoolkit.core.attention.AttentionPooling;
import dev.seqtoolkit.core.attention.Pooling;

import static dev.seqtoolkit.core.onnx.OnnxOps.floats;
import static dev.seqtoolkit.core.onnx.OnnxOps.ints;
import static dev.seqtoolkit.core.onnx.OnnxOps.squeeze;
import static dev.seqtoolkit.core.onnx.OnnxOps.unsqueeze;

/**
 * How a classifier level turns its states into one vector, as ONNX operators: {@link
 * AttentionPooling}'s additive attention with a learned context vector (its weights become a graph
 * output) or a parameter-free {@link Pooling}. Over states {@code (N, T, D)} with mask {@code m (N,
 * T)} (1 real, 0 padding):
 *
 * <ul>
 *   <li>ATTENTION: {@code s = tanh(states W + b) u} (MatMul, Add, Tanh, MatMul), the masked softmax
 *       {@code softmax(s + (m - 1) * 1e30) * m} (padded positions get exactly 0; a row without real
 *       positions all zeros), then the weighted sum of the states (MatMul);
 *   <li>MAX: {@code max_t(states * m + (m - 1) * 1e30)} times {@code max_t m} (ReduceMax);
 *   <li>MEAN: {@code sum_t(states * m) / max(sum_t m, 1)} (ReduceSum, Max, Div);
 *   <li>LAST: the state at position {@code length - 1}, as a one-hot (Equal, Cast) times the states.
 * </ul>
 *
 * Each gives zeros for a row without real positions, as the DJL implementations do. Immutable.
 */
public final class PoolingExporter {
    /** What is added to the scores of padded positions before the softmax (as in the DJL attention). */
    static final float MASK_FILL = 1.0e30f;

    private final Pooling kind;
    private final float[] weight;
    private final float[] bias;
    private final float[] context;
    private final int attentionSize;

    private PoolingExporter(Pooling kind, float[] weight, float[] bias, float[] context, int attentionSize) {
        this.kind = kind;
        this.weight = weight;
        this.bias = bias;
        this.context = context;
        this.attentionSize = attentionSize;
    }

    /**
     * Attention pooling in {@link AttentionPooling}'s layout; arrays are copied.
     *
     * @param weight {@code (D, A)} row-major
     * @param bias {@code (A)}
     * @param context {@code (A)} (the {@code (A, 1)} context vector)
     */
    public static PoolingExporter attention(float[] weight, float[] bias, float[] context) {
        if (weight == null || bias == null || context == null) {
            throw new IllegalArgumentException("Attention pooling needs a weight, a bias and a context vector");
        }
        if (bias.length == 0 || context.length != bias.length || weight.length % bias.length != 0) {
            throw new IllegalArgumentException("Attention pooling sizes do not fit: weight " + weight.length
                    + " values, bias " + bias.length + ", context " + context.length
                    + "; expected weight (D, A), bias (A), context (A)");
        }
        return new PoolingExporter(null, weight.clone(), bias.clone(), context.clone(), bias.length);
    }

    /** The current parameters of an initialised {@link AttentionPooling}. */
    public static PoolingExporter of(AttentionPooling block) {
        return attention(block.weight().getArray().toFloatArray(), block.bias().getArray().toFloatArray(),
                block.context().getArray().toFloatArray());
    }

    /** A parameter-free pooling. */
    public static PoolingExporter of(Pooling kind) {
        if (kind == null) {
            throw new IllegalArgumentException("The pooling kind must not be null");
        }
        return new PoolingExporter(kind, null, null, null, 0);
    }

    public boolean isAttention() {
        return kind == null;
    }

    /** The kind: MAX, MEAN or LAST; null for attention. */
    public Pooling kind() {
        return kind;
    }

    /** {@code ATTENTION}, {@code MAX}, {@code MEAN} or {@code LAST}. */
    public String name() {
        return kind == null ? "ATTENTION" : kind.name();
    }

    /** The attention hidden size A; 0 for a parameter-free pooling. */
    public int attentionSize() {
        return attentionSize;
    }

    /** The state width D attention reads; -1 for a parameter-free pooling (any width). */
    public int inputWidth() {
        return kind == null ? weight.length / attentionSize : -1;
    }

    /**
     * Adds the pooling to a graph.
     *
     * @param p a prefix for the names of new values
     * @param states float {@code (N, T, D)}
     * @param width D
     * @param mask float {@code (N, T)}, 1 real, 0 padding, real positions a prefix of each row
     * @param positions int64 {@code (1, T)}: {@code 0 .. T-1}
     * @param lengths int64 {@code (N, 1)}: each row's number of real positions
     * @return {pooled {@code (N, D)}, weights {@code (N, T)} or null without attention}
     */
    String[] emit(OnnxGraphBuilder g, String p, String states, int width, String mask, String positions,
            String lengths) {
        if (isAttention()) {
            if (inputWidth() != width) {
                throw new IllegalArgumentException("The attention reads " + inputWidth() + " features, the states have "
                        + width);
            }
            return attention(g, p, states, mask, width);
        }
        String mask3 = unsqueeze(g, mask, 2, p + "_mask_3d"); // (N, T, 1)
        String pooled;
        switch (kind) {
            case MAX: {
                String kept = g.node("Mul").inputs(states, mask3).outputs(g.uniqueName(p + "_masked")).addSingle();
                String filled = g.node("Add").inputs(kept, fill(g, p, mask3)).outputs(g.uniqueName(p + "_filled"))
                        .addSingle();
                String max = g.node("ReduceMax").inputs(filled).attr("axes", new long[] {1}).attr("keepdims", 0L)
                        .outputs(g.uniqueName(p + "_max")).addSingle(); // (N, D)
                String any = g.node("ReduceMax").inputs(mask3).attr("axes", new long[] {1}).attr("keepdims", 0L)
                        .outputs(g.uniqueName(p + "_any")).addSingle(); // (N, 1): 0 for a row without real positions
                pooled = g.node("Mul").inputs(max, any).outputs(g.uniqueName(p + "_pooled")).addSingle();
                break;
            }
            case MEAN: {
                String kept = g.node("Mul").inputs(states, mask3).outputs(g.uniqueName(p + "_masked")).addSingle();
                String axis = ints(g, p + "_sum_axis", 1);
                String sum = g.node("ReduceSum").inputs(kept, axis).attr("keepdims", 0L)
                        .outputs(g.uniqueName(p + "_sum")).addSingle(); // (N, D)
                String count = g.node("ReduceSum").inputs(mask3, axis).attr("keepdims", 0L)
                        .outputs(g.uniqueName(p + "_count")).addSingle(); // (N, 1)
                String atLeastOne = g.node("Max").inputs(count, floats(g, p + "_one_float", 1f))
                        .outputs(g.uniqueName(p + "_count_at_least_one")).addSingle();
                pooled = g.node("Div").inputs(sum, atLeastOne).outputs(g.uniqueName(p + "_pooled")).addSingle();
                break;
            }
            case LAST: {
                String last = g.node("Sub").inputs(lengths, ints(g, p + "_one_long", 1))
                        .outputs(g.uniqueName(p + "_last")).addSingle(); // (N, 1), -1 for a row without real positions
                String at = g.node("Equal").inputs(positions, last).outputs(g.uniqueName(p + "_at_last")).addSingle();
                String pick = g.node("Cast").inputs(at).attr("to", (long) DataType.FLOAT.getNumber())
                        .outputs(g.uniqueName(p + "_pick")).addSingle(); // (N, T) one-hot
                pooled = weightedSum(g, p, pick, states);
                break;
            }
            default:
                throw new UnsupportedOperationException("No ONNX export for pooling " + kind);
        }
        return new String[] {pooled, null};
    }

    /** Additive attention with the learned context vector; returns {pooled, weights}. */
    private String[] attention(OnnxGraphBuilder g, String p, String states, String mask, int width) {
        String w = g.addInitializer(g.uniqueName(p + "_attention_weight"), weight, width, attentionSize); // (D, A)
        String b = g.addInitializer(g.uniqueName(p + "_attention_bias"), bias, attentionSize);
        String u = g.addInitializer(g.uniqueName(p + "_attention_context"), context, attentionSize, 1);
        String projected = g.node("MatMul").inputs(states, w).outputs(g.uniqueName(p + "_attention_projected"))
                .addSingle(); // (N, T, A)
        String biased = g.node("Add").inputs(projected, b).outputs(g.uniqueName(p + "_attention_biased")).addSingle();
        String energy = g.node("Tanh").inputs(biased).outputs(g.uniqueName(p + "_attention_energy")).addSingle();
        String s3 = g.node("MatMul").inputs(energy, u).outputs(g.uniqueName(p + "_scores_3d")).addSingle(); // (N, T, 1)
        String scores = squeeze(g, s3, 2, p + "_scores"); // (N, T)
        String filled = g.node("Add").inputs(scores, fill(g, p, mask)).outputs(g.uniqueName(p + "_scores_masked"))
                .addSingle();
        String soft = g.node("Softmax").inputs(filled).attr("axis", -1L).outputs(g.uniqueName(p + "_softmax"))
                .addSingle();
        String weights = g.node("Mul").inputs(soft, mask).outputs(g.uniqueName(p + "_weights")).addSingle(); // exact 0 at padding
        return new String[] {weightedSum(g, p, weights, states), weights};
    }

    /** {@code (mask - 1) * 1e30}: 0 at real positions, -1e30 at padding. */
    private static String fill(OnnxGraphBuilder g, String p, String mask) {
        String shifted = g.node("Sub").inputs(mask, floats(g, p + "_one_float", 1f))
                .outputs(g.uniqueName(p + "_mask_minus_one")).addSingle();
        return g.node("Mul").inputs(shifted, floats(g, p + "_mask_fill", MASK_FILL))
                .outputs(g.uniqueName(p + "_fill")).addSingle();
    }

    /** {@code weights (N, T)} times {@code states (N, T, D)} summed over T: {@code (N, D)}. */
    private static String weightedSum(OnnxGraphBuilder g, String p, String weights, String states) {
        String w3 = unsqueeze(g, weights, 1, p + "_weights_3d"); // (N, 1, T)
        String c3 = g.node("MatMul").inputs(w3, states).outputs(g.uniqueName(p + "_pooled_3d")).addSingle(); // (N, 1, D)
        return squeeze(g, c3, 1, p + "_pooled");
    }
}
