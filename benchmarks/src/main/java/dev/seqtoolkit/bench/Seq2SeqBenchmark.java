package dev.seqtoolkit.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.data.Batch;
import dev.seqtoolkit.core.decode.GreedySearch;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.RunInfo;
import dev.seqtoolkit.core.seq2seq.DjlStepModel;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import dev.seqtoolkit.core.seq2seq.Seq2SeqModel;
import dev.seqtoolkit.core.seq2seq.Seq2SeqTask;
import dev.seqtoolkit.core.train.AdamOptimizer;
import dev.seqtoolkit.core.train.BatchSource;
import dev.seqtoolkit.core.train.GradientClipping;
import dev.seqtoolkit.core.train.LearningRateSchedule;
import dev.seqtoolkit.core.train.ToolkitTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * Cases b (Bahdanau: additive attention, decoder cell stepped per token) and c (Luong: dot
 * attention, decoder fused under teacher forcing) of the peer benchmarks. Training counts target
 * tokens through forward, backward, global-norm clip 1.0 and Adam 1e-3; decoding is greedy over the
 * DJL step model, always {@code --max-len} steps, at batch 1 and at the training batch size.
 */
@Command(name = "seq2seq", mixinStandardHelpOptions = true, description = "Cases b and c: attention encoder-decoders.")
public final class Seq2SeqBenchmark implements Callable<Integer> {
    @Option(names = "--cases", defaultValue = "bc", description = "b, c or bc (default: ${DEFAULT-VALUE}).") String cases;
    @Option(names = "--vocab", defaultValue = "8000") int vocab;
    @Option(names = "--embedding", defaultValue = "256") int embedding;
    @Option(names = "--encoder-hidden", defaultValue = "256", description = "Per direction (default: ${DEFAULT-VALUE}).") int encoderHidden;
    @Option(names = "--decoder-hidden", defaultValue = "512") int decoderHidden;
    @Option(names = "--attention-hidden", defaultValue = "512") int attentionHidden;
    @Option(names = "--batch", defaultValue = "64") int batch;
    @Option(names = "--source-length", defaultValue = "14") int sourceLength;
    @Option(names = "--target-length", defaultValue = "14") int targetLength;
    @Option(names = "--max-len", defaultValue = "30") int maxLength;
    @Option(names = "--train-steps", defaultValue = "30") int trainSteps;
    @Option(names = "--infer-steps", defaultValue = "20") int inferSteps;

    @Override
    public Integer call() throws IOException {
        String engine = Engines.configuredName();
        for (char c : cases.toCharArray()) {
            if (c != 'b' && c != 'c') {
                throw new IllegalArgumentException("Unknown case '" + c + "' in --cases " + cases + "; expected b or c");
            }
            try (NDManager manager = Engines.newManager()) {
                Seq2SeqModel model = new Seq2SeqModel(config(c));
                model.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
                model.initialize(manager, DataType.FLOAT32, new Shape(batch, sourceLength), new Shape(batch),
                        new Shape(batch, targetLength));
                Random random = new Random(0);
                List<Batch> batches = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    // targets of T - 1 tokens: <bos> y and y <eos> are T long
                    batches.add(Batch.parallel(sequences(random, batch, sourceLength), sequences(random, batch, targetLength - 1)));
                }
                Seq2SeqTask task = new Seq2SeqTask(model, batch, sourceLength, targetLength);
                train(task, batches, 3);
                long t0 = System.nanoTime();
                train(task, batches, trainSteps);
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                ObjectNode line = new ObjectMapper().createObjectNode();
                line.put("case", c == 'b' ? "b_bahdanau" : "c_luong");
                line.put("engine", "toolkit-" + engine.toLowerCase(Locale.ROOT));
                line.put("train_tokens_per_s", CharLmBenchmark.round((double) trainSteps * batch * targetLength / trainSeconds));
                GreedySearch greedy = GreedySearch.builder().optMinLength(maxLength).optMaxLength(maxLength).build();
                try (DjlStepModel stepModel = DjlStepModel.of(model, manager)) {
                    for (int size : new int[] {1, batch}) {
                        List<int[]> sources = sequences(random, size, sourceLength);
                        greedy.decode(stepModel, sources); // warm-up
                        long d0 = System.nanoTime();
                        for (int r = 0; r < inferSteps; r++) {
                            greedy.decode(stepModel, sources);
                        }
                        double seconds = (System.nanoTime() - d0) / 1e9;
                        line.put("decode_sents_per_s_b" + size, CharLmBenchmark.round(inferSteps * size / seconds));
                    }
                }
                line.put("timed_steps", trainSteps);
                line.put("infer_steps", inferSteps);
                ObjectNode setup = line.putObject("setup");
                setup.putObject("shapes").put("V", vocab).put("E", embedding).put("HE", encoderHidden)
                        .put("HD", decoderHidden).put("A", attentionHidden).put("B", batch).put("S", sourceLength)
                        .put("T", targetLength).put("MAXLEN", maxLength);
                setup.setAll(RunInfo.describe("bench seq2seq --cases " + c));
                setup.put("pytorch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
                System.out.println(line);
            }
        }
        return 0;
    }

    private Seq2SeqConfig config(char c) {
        Seq2SeqConfig.Builder b = Seq2SeqConfig.builder()
                .setSourceVocabSize(vocab).setTargetVocabSize(vocab).setEmbeddingSize(embedding)
                .setEncoderHiddenSize(encoderHidden).setDecoderHiddenSize(decoderHidden);
        return c == 'b'
                ? b.optAttention(Seq2SeqConfig.AttentionType.ADDITIVE, attentionHidden).build()
                : b.optDecoderStyle(Seq2SeqConfig.DecoderStyle.LUONG).optAttention(Seq2SeqConfig.AttentionType.DOT, 0).build();
    }

    private List<int[]> sequences(Random random, int count, int length) {
        List<int[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int[] s = new int[length];
            for (int t = 0; t < length; t++) {
                s[t] = 4 + random.nextInt(vocab - 4); // no reserved ids
            }
            out.add(s);
        }
        return out;
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
}
