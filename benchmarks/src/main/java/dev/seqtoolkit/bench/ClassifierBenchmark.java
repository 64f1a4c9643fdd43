package dev.seqtoolkit.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;
import dev.seqtoolkit.core.io.RunInfo;
import dev.seqtoolkit.core.onnx.ClassifierSession;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.train.AdamOptimizer;
import dev.seqtoolkit.core.train.BatchSource;
import dev.seqtoolkit.core.train.GradientClipping;
import dev.seqtoolkit.core.train.LearningRateSchedule;
import dev.seqtoolkit.core.train.ToolkitTrainer;
import dev.seqtoolkit.core.train.TrainingResult;
import dev.seqtoolkit.sentiment.ClassificationTask;
import dev.seqtoolkit.sentiment.ClassifierOutput;
import dev.seqtoolkit.sentiment.LabeledBatch;
import dev.seqtoolkit.sentiment.SentenceClassifierBlock;
import dev.seqtoolkit.sentiment.SentimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * Case d of the peer benchmarks: the sentence classifier of toolkit-sentiment ({@link
 * SentenceClassifierBlock}) with the peer's shapes: embedding 20000x300, bidirectional LSTM 150 per
 * direction, additive attention pooling (hidden 300), linear 300 -> 2; batch 64, length 25. Training:
 * forward, cross-entropy, backward, global-norm clip 1.0, Adam 1e-3 on 8 seeded random batches
 * cycled (as the peer). Inference: the same batch classified repeatedly with training off, the
 * logits read back each time. Prints one JSON line with the peer's field names; with {@code --onnx}
 * a second line: the trained block exported ({@link SentenceClassifierBlock#onnxExporter()}) and the
 * same batch classified in ONNX Runtime through {@link ClassifierSession}, probabilities and
 * attention read back.
 */
@Command(name = "clf", mixinStandardHelpOptions = true, description = "Case d: BiLSTM + attention pooling sentence classifier.")
public final class ClassifierBenchmark implements Callable<Integer> {
    @Option(names = "--vocab", defaultValue = "20000") int vocab;
    @Option(names = "--embedding", defaultValue = "300") int embedding;
    @Option(names = "--hidden", defaultValue = "150", description = "State size per direction (default: ${DEFAULT-VALUE}).") int hidden;
    @Option(names = "--classes", defaultValue = "2") int classes;
    @Option(names = "--batch", defaultValue = "64") int batch;
    @Option(names = "--length", defaultValue = "25") int length;
    @Option(names = "--train-steps", defaultValue = "150", description = "Timed training steps (default: ${DEFAULT-VALUE}).") int trainSteps;
    @Option(names = "--warmup", defaultValue = "3") int warmup;
    @Option(names = "--infer-steps", defaultValue = "300", description = "Timed inference calls (default: ${DEFAULT-VALUE}).") int inferSteps;
    @Option(names = "--onnx", description = "Also export the model to ONNX and time inference in ONNX Runtime (one more JSON line).") boolean onnx;
    @Option(names = "--onnx-without-gate-table", description = "With --onnx: also measure an export without the word level's gate table (a third JSON line).") boolean onnxWithoutGateTable;
    @Option(names = "--ort-threads", defaultValue = "1", description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE}).") int ortThreads;

    @Override
    public Integer call() throws Exception {
        String engine = Engines.configuredName();
        ObjectNode line = new ObjectMapper().createObjectNode();
        line.put("case", "d_bilstm_clf");
        line.put("engine", "toolkit-" + engine.toLowerCase(Locale.ROOT));
        Random random = new Random(0);
        List<LabeledBatch> batches = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            List<List<int[]>> docs = new ArrayList<>();
            int[] labels = new int[batch];
            for (int r = 0; r < batch; r++) {
                int[] ids = new int[length];
                for (int t = 0; t < length; t++) {
                    ids[t] = 2 + random.nextInt(vocab - 2);
                }
                docs.add(List.of(ids));
                labels[r] = random.nextInt(classes);
            }
            batches.add(new LabeledBatch(HierarchicalBatch.of(docs), labels));
        }
        try (NDManager manager = Engines.newManager()) {
            SentenceClassifierBlock block = SentenceClassifierBlock.builder().setVocabularySize(vocab)
                    .setEmbeddingSize(embedding).setHiddenSize(hidden).setNumClasses(classes)
                    .optPooling(SentimentConfig.PoolingKind.ATTENTION).optAttentionSize(2 * hidden).build();
            block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
            block.initialize(manager, DataType.FLOAT32, block.initializationShapes());
            long params = 0;
            for (var p : block.getParameters()) {
                params += p.getValue().getArray().size();
            }
            line.put("params", params);
            ClassificationTask task = new ClassificationTask(block);
            run(task, batches, warmup);
            TrainingResult timed = run(task, batches, trainSteps);
            double sentences = timed.unitsPerSecond();
            line.put("train_sents_per_s", CharLmBenchmark.round(sentences));
            line.put("train_tokens_per_s", CharLmBenchmark.round(sentences * length));
            HierarchicalBatch x = batches.get(0).batch();
            for (int i = 0; i < 3; i++) {
                infer(block, manager, x);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < inferSteps; i++) {
                infer(block, manager, x);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            line.put("infer_sents_per_s_b" + batch, CharLmBenchmark.round(inferSteps * (double) batch / seconds));
            line.put("timed_steps", trainSteps);
            line.put("infer_steps", inferSteps);
            ObjectNode setup = line.putObject("setup");
            setup.putObject("shapes").put("V", vocab).put("E", embedding).put("H", hidden).put("B", batch)
                    .put("L", length).put("C", classes);
            setup.setAll(RunInfo.describe("bench clf"));
            setup.put("pytorch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
            System.out.println(line);
            if (onnx) {
                System.out.println(onnxLine(block, x, line, true));
                if (onnxWithoutGateTable) {
                    System.out.println(onnxLine(block, x, line, false));
                }
            }
        }
        return 0;
    }

    /** Exports the trained block, loads it in ONNX Runtime and times the same inference. */
    private ObjectNode onnxLine(SentenceClassifierBlock block, HierarchicalBatch x, ObjectNode djlLine, boolean gateTable)
            throws IOException, OrtException {
        Path dir = Files.createTempDirectory("clf-bench-onnx");
        Path file = dir.resolve("classifier.onnx");
        try {
            block.onnxExporter().optGateTable(gateTable).build().save(file);
            ObjectNode line = new ObjectMapper().createObjectNode();
            line.put("case", djlLine.get("case").asText());
            line.put("engine", gateTable ? "toolkit-onnxruntime" : "toolkit-onnxruntime-no-gate-table");
            long l0 = System.nanoTime();
            try (OnnxModel model = OnnxModel.load(file, OnnxModel.Options.defaults().withIntraOpThreads(ortThreads))) {
                ClassifierSession session = ClassifierSession.open(model);
                line.put("load_seconds", Math.round((System.nanoTime() - l0) / 1e6) / 1e3);
                for (int i = 0; i < 3; i++) {
                    session.run(x);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < inferSteps; i++) {
                    session.run(x);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                line.put("infer_sents_per_s_b" + batch, CharLmBenchmark.round(inferSteps * (double) batch / seconds));
            }
            line.put("infer_steps", inferSteps);
            ObjectNode setup = line.putObject("setup");
            setup.setAll((ObjectNode) djlLine.get("setup").deepCopy());
            setup.put("ort_threads", ortThreads);
            setup.put("exported_from", djlLine.get("engine").asText());
            setup.put("gate_table", gateTable);
            return line;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static float infer(SentenceClassifierBlock block, NDManager manager, HierarchicalBatch x) {
        try (NDManager m = manager.newSubManager()) {
            ClassifierOutput out = block.classify(new ParameterStore(m, false), m, x, false);
            return out.logits().toFloatArray()[0]; // read back: MXNet runs asynchronously
        }
    }

    private static TrainingResult run(ClassificationTask task, List<LabeledBatch> batches, int steps) throws Exception {
        BatchSource<LabeledBatch> source = new BatchSource<>() {
            @Override
            public Iterator<LabeledBatch> epoch(int epoch) {
                return new Iterator<>() {
                    int i;

                    @Override
                    public boolean hasNext() {
                        return true;
                    }

                    @Override
                    public LabeledBatch next() {
                        return batches.get(i++ % batches.size());
                    }
                };
            }
        };
        return ToolkitTrainer.<LabeledBatch>builder()
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
}
