package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.seqtoolkit.core.nn.CellType;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Tiny odd-sized models and data shared by the seq2seq tests. */
final class Fixtures {
    static final int SRC_VOCAB = 11;
    static final int TGT_VOCAB = 13;

    private Fixtures() {}

    /** E 5, HE 3 (bidirectional, M 6), HD 6, additive attention 7, Bahdanau, LSTM. */
    static Seq2SeqConfig.Builder tiny() {
        return Seq2SeqConfig.builder()
                .setSourceVocabSize(SRC_VOCAB)
                .setTargetVocabSize(TGT_VOCAB)
                .setEmbeddingSize(5)
                .setEncoderHiddenSize(3)
                .setDecoderHiddenSize(6)
                .optAttention(Seq2SeqConfig.AttentionType.ADDITIVE, 7);
    }

    static Seq2SeqConfig luong(Seq2SeqConfig.AttentionType attention, CellType cell) {
        return tiny().optDecoderStyle(Seq2SeqConfig.DecoderStyle.LUONG)
                .optAttention(attention, attention == Seq2SeqConfig.AttentionType.ADDITIVE ? 7 : 0)
                .optCell(cell)
                .build();
    }

    /** A model initialised with seeded uniform weights in [-0.5, 0.5) (biases too, so they matter). */
    static Seq2SeqModel model(Seq2SeqConfig config, NDManager manager, long seed) {
        Seq2SeqModel model = new Seq2SeqModel(config);
        model.initialize(manager, DataType.FLOAT32, new Shape(2, 4), new Shape(2), new Shape(2, 3));
        Random random = new Random(seed);
        model.getParameters().forEach(pair -> {
            NDArray array = pair.getValue().getArray();
            float[] values = new float[(int) array.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextFloat() - 0.5f;
            }
            array.set(FloatBuffer.wrap(values));
        });
        return model;
    }

    /** Random ids in [4, vocab) of the given lengths. */
    static List<int[]> sequences(Random random, int vocab, int... lengths) {
        List<int[]> out = new ArrayList<>();
        for (int length : lengths) {
            int[] row = new int[length];
            for (int i = 0; i < length; i++) {
                row[i] = 4 + random.nextInt(vocab - 4);
            }
            out.add(row);
        }
        return out;
    }

    static int[][] padded(List<int[]> rows, int width) {
        int[][] out = new int[rows.size()][width];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, out[r], 0, rows.get(r).length);
        }
        return out;
    }

    static NDArray ids(NDManager manager, List<int[]> rows) {
        int width = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] flat = new int[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, flat, r * width, rows.get(r).length);
        }
        return manager.create(flat, new Shape(rows.size(), width));
    }

    static NDArray lengths(NDManager manager, List<int[]> rows) {
        return manager.create(rows.stream().mapToInt(r -> r.length).toArray());
    }

    static void assertClose(float[] e, float[] a, float tolerance, String what) {
        assertEquals(e.length, a.length, what + ": length");
        float worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            float diff = Math.abs(e[i] - a[i]);
            if (!(diff <= worst)) {
                worst = diff;
                at = i;
            }
        }
        if (!(worst <= tolerance)) {
            fail(what + ": max |diff| " + worst + " at flat index " + at + " (expected " + e[at] + ", got " + a[at]
                    + "); expected starts " + Arrays.toString(Arrays.copyOf(e, Math.min(e.length, 8))));
        }
    }
}
