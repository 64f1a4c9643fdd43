package dev.seqtoolkit.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.data.LanguageModelBatches;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.lm.HostLanguageModel;
import dev.seqtoolkit.core.lm.LanguageModelConfig;
import dev.seqtoolkit.core.lm.LanguageModelTask;
import dev.seqtoolkit.core.lm.Sampler;
import dev.seqtoolkit.core.lm.TextLanguageModel;
import dev.seqtoolkit.core.text.Vocabulary;
import dev.seqtoolkit.core.train.AdamOptimizer;
import dev.seqtoolkit.core.train.BatchSource;
import dev.seqtoolkit.core.train.GradientClipping;
import dev.seqtoolkit.core.train.LearningRateSchedule;
import dev.seqtoolkit.core.train.ToolkitTrainer;
import dev.seqtoolkit.core.train.TrainingResult;
import dev.seqtoolkit.core.io.RunInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * Case a of the peer benchmarks: the textbook's character LSTM (one-hot V -> LSTM H -> Linear V).
 * Training: forward, cross-entropy, backward, global-norm clip 1.0, Adam 1e-3 on random token
 * windows of (batch, steps). Generation: batch 1, a 10-token prefix, then 200 tokens one at a time,
 * greedy, state carried. Prints one JSON line with the peer's field names.
 */
@Command(name = "charlm", mixinStandardHelpOptions = true, description = "Case a: character LSTM language model.")
public final class CharLmBenchmark implements Callable<Integer> {
    @Option(names = "--vocab", defaultValue = "28") int vocab;
    @Option(names = "--hidden", defaultValue = "256") int hidden;
    @Option(names = "--batch", defaultValue = "32") int batch;
    @Option(names = "--steps", defaultValue = "35") int steps;
    @Option(names = "--train-steps", defaultValue = "400", description = "Timed training steps (default: ${DEFAULT-VALUE}).") int trainSteps;
    @Option(names = "--warmup", defaultValue = "5") int warmup;
    @Option(names = "--infer-steps", defaultValue = "200", description = "Timed generations of --gen tokens (default: ${DEFAULT-VALUE}).") int inferSteps;
    @Option(names = "--gen", defaultValue = "200") int gen;
    @Option(names = "--engine-cell-steps", defaultValue = "3", description = "Generations timed on the engine's explicit cells, for comparison.") int engineSteps;

    @Override
    public Integer call() throws Exception {
        String engine = Engines.configuredName();
        List<String> tokens = new ArrayList<>(Vocabulary.RESERVED);
        for (int i = tokens.size(); i < vocab; i++) {
            tokens.add("t" + i);
        }
        LanguageModelConfig config = LanguageModelConfig.charLstm(vocab, hidden);
        ObjectNode line = new ObjectMapper().createObjectNode();
        line.put("case", "a_charlm");
        line.put("engine", "toolkit-" + engine.toLowerCase(java.util.Locale.ROOT));
        try (TextLanguageModel lm = TextLanguageModel.create(TextLanguageModel.TokenizerKind.CHARACTERS,
                Vocabulary.of(tokens), config)) {
            long params = 0;
            for (var p : lm.model().getParameters()) {
                params += p.getValue().getArray().size();
            }
            line.put("params", params);
            line.put("train_tokens_per_s", round(train(lm)));
            Random random = new Random(0);
            int[] prefix = new int[10];
            for (int i = 0; i < prefix.length; i++) {
                prefix[i] = 2 + random.nextInt(vocab - 2);
            }
            HostLanguageModel host = HostLanguageModel.of(lm.model());
            // warm-up until the JIT has compiled the vector kernels (they run interpreted before)
            for (int i = 0; i < 50; i++) {
                lm.generateOnHost(prefix, gen, Sampler.greedy());
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < inferSteps; i++) {
                lm.generateOnHost(prefix, gen, Sampler.greedy());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            line.put("gen_chars_per_s", round(gen * inferSteps / seconds));
            line.put("gen_path", "host kernels (" + host.kernels().name() + ")");
            lm.generateOnEngine(prefix, gen, Sampler.greedy());
            t0 = System.nanoTime();
            for (int i = 0; i < engineSteps; i++) {
                lm.generateOnEngine(prefix, gen, Sampler.greedy());
            }
            seconds = (System.nanoTime() - t0) / 1e9;
            line.put("gen_chars_per_s_engine_step", round(gen * engineSteps / seconds));
        }
        line.put("timed_steps", trainSteps);
        line.put("infer_steps", inferSteps);
        ObjectNode setup = line.putObject("setup");
        setup.putObject("shapes").put("V", vocab).put("H", hidden).put("B", batch).put("T", steps).put("GEN", gen);
        setup.setAll(RunInfo.describe("bench charlm"));
        setup.put("pytorch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        System.out.println(line);
        return 0;
    }

    private double train(TextLanguageModel lm) throws Exception {
        Random random = new Random(0);
        List<LanguageModelBatches.Window> windows = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            int[][] x = new int[batch][steps];
            int[][] y = new int[batch][steps];
            for (int r = 0; r < batch; r++) {
                for (int t = 0; t < steps; t++) {
                    x[r][t] = 2 + random.nextInt(vocab - 2);
                    y[r][t] = 2 + random.nextInt(vocab - 2);
                }
            }
            windows.add(new LanguageModelBatches.Window(x, y));
        }
        BatchSource<LanguageModelBatches.Window> source = new BatchSource<>() {
            @Override
            public Iterator<LanguageModelBatches.Window> epoch(int epoch) {
                return new Iterator<>() {
                    int i;

                    @Override
                    public boolean hasNext() {
                        return true;
                    }

                    @Override
                    public LanguageModelBatches.Window next() {
                        return windows.get(i++ % windows.size());
                    }
                };
            }
        };
        NDManager manager = lm.model().getParameters().get(0).getValue().getArray().getManager();
        try (LanguageModelTask task = new LanguageModelTask(lm.model(), false, batch, steps, manager)) {
            run(task, source, warmup);
            TrainingResult timed = run(task, source, trainSteps);
            return timed.unitsPerSecond();
        }
    }

    private static TrainingResult run(LanguageModelTask task, BatchSource<LanguageModelBatches.Window> source, int steps)
            throws Exception {
        return ToolkitTrainer.<LanguageModelBatches.Window>builder()
                .setTask(task)
                .setTrainingData(source)
                .setOptimizer(AdamOptimizer.builder().build())
                .setSchedule(LearningRateSchedule.fixed(1e-3f))
                .setEpochs(1)
                .optMaxSteps(steps)
                .optClipping(GradientClipping.byGlobalNorm(1f))
                .optProgressBar(false)
                .build()
                .fit();
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
