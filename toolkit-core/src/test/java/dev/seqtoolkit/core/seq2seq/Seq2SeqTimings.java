package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import dev.seqtoolkit.core.data.Batch;
import dev.seqtoolkit.core.decode.GreedySearch;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.train.AdamOptimizer;
import dev.seqtoolkit.core.train.BatchSource;
import dev.seqtoolkit.core.train.GradientClipping;
import dev.seqtoolkit.core.train.LearningRateSchedule;
import dev.seqtoolkit.core.train.ToolkitTrainer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Not a test: the peer benchmark's cases b (Bahdanau, additive) and c (Luong, dot) on this toolkit,
 * printed as JSON lines in the peer's format. Shapes: B 64, S = T = 14, V 8000, E 256, HE 256
 * (bidirectional), HD 512, A 512. Training counts target tokens through forward, backward, global
 * norm clip 1.0 and Adam (lr 1e-3) with {@link ToolkitTrainer}; decoding is {@link GreedySearch} over
 * {@link DjlStepModel}, always 30 steps.
 *
 * <p>Run with the test class path: {@code java -Dtoolkit.engine=PyTorch -Dai.djl.pytorch.num_threads=2
 * ... Seq2SeqTimings [cases=bc] [trainSteps=20] [inferRuns=5]}.
 *
 * <p>On a shared, loaded 2-core machine two PyTorch threads oversubscribe the cores and every figure
 * (ours and the peer's) drops 4-10x and swings from run to run; compare back to back, and also at one
 * thread ({@code -Dai.djl.pytorch.num_threads=1}, peer {@code --threads 1}).
 */
public final class Seq2SeqTimings {
    static final int V = 8000;
    static final int E = 256;
    static final int HE = 256;
    static final int HD = 512;
    static final int A = 512;
    static final int B = 64;
    static final int S = 14;
    static final int T = 14;
    static final int MAXLEN = 30;

    private Seq2SeqTimings() {}

    static Seq2SeqConfig peer(char c) {
        Seq2SeqConfig.Builder b = Seq2SeqConfig.builder()
                .setSourceVocabSize(V).setTargetVocabSize(V).setEmbeddingSize(E)
                .setEncoderHiddenSize(HE).setDecoderHiddenSize(HD);
        return c == 'b'
                ? b.optAttention(Seq2SeqConfig.AttentionType.ADDITIVE, A).build()
                : b.optDecoderStyle(Seq2SeqConfig.DecoderStyle.LUONG)
                        .optAttention(Seq2SeqConfig.AttentionType.DOT, 0).build();
    }

    public static void main(String[] args) throws IOException {
        String cases = args.length > 0 ? args[0] : "bc";
        int trainSteps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int inferRuns = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String engine = Engines.configuredName();
        for (char c : cases.toCharArray()) {
            try (NDManager manager = Engines.newManager()) {
                Seq2SeqConfig config = peer(c);
                Seq2SeqModel model = new Seq2SeqModel(config);
                model.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
                model.initialize(manager, DataType.FLOAT32, new Shape(B, S), new Shape(B), new Shape(B, T));
                Random random = new Random(0);
                List<Batch> batches = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    // targets of T - 1 tokens: <bos> y and y <eos> are T long
                    batches.add(Batch.parallel(Fixtures.sequences(random, V, repeat(B, S)),
                            Fixtures.sequences(random, V, repeat(B, T - 1))));
                }
                Seq2SeqTask task = new Seq2SeqTask(model, B, S, T);
                train(task, batches, 3);
                long t0 = System.nanoTime();
                train(task, batches, trainSteps);
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                double tokensPerSecond = (double) trainSteps * B * T / trainSeconds;
                GreedySearch greedy = GreedySearch.builder().optMinLength(MAXLEN).optMaxLength(MAXLEN).build();
                double[] sentsPerSecond = new double[2];
                int[] sizes = {1, B};
                try (DjlStepModel stepModel = DjlStepModel.of(model, manager)) {
                    for (int k = 0; k < sizes.length; k++) {
                        List<int[]> sources = Fixtures.sequences(random, V, repeat(sizes[k], S));
                        greedy.decode(stepModel, sources); // warm-up
                        long d0 = System.nanoTime();
                        for (int r = 0; r < inferRuns; r++) {
                            greedy.decode(stepModel, sources);
                        }
                        sentsPerSecond[k] = (double) inferRuns * sizes[k] / ((System.nanoTime() - d0) / 1e9);
                    }
                }
                System.out.printf(Locale.ROOT,
                        "{\"case\": \"%s\", \"engine\": \"toolkit-%s\", \"train_tokens_per_s\": %.1f,"
                                + " \"decode_sents_per_s_b1\": %.1f, \"decode_sents_per_s_b64\": %.1f,"
                                + " \"timed_steps\": %d, \"infer_steps\": %d, \"threads\": \"%s\"}%n",
                        c == 'b' ? "b_bahdanau" : "c_luong", engine.toLowerCase(Locale.ROOT), tokensPerSecond,
                        sentsPerSecond[0], sentsPerSecond[1], trainSteps, inferRuns,
                        System.getProperty("ai.djl.pytorch.num_threads", "default"));
            }
        }
    }

    private static void train(Seq2SeqTask task, List<Batch> batches, int steps) throws IOException {
        BatchSource<Batch> source = epoch -> new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Batch next() {
                return batches.get(i++ % batches.size());
            }
        };
        ToolkitTrainer.<Batch>builder()
                .setTask(task)
                .setTrainingData(source)
                .setOptimizer(AdamOptimizer.builder().build())
                .setSchedule(LearningRateSchedule.fixed(1e-3f))
                .optClipping(GradientClipping.byGlobalNorm(1f))
                .setEpochs(1)
                .optMaxSteps(steps)
                .optProgressBar(false)
                .optPlot(false)
                .build()
                .fit();
    }

    private static int[] repeat(int n, int value) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, value);
        return out;
    }
}
