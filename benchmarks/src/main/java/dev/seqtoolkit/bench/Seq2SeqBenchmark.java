package dev.seqtoolkit.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.data.Batch;
import dev.seqtoolkit.core.decode.BeamSearch;
import dev.seqtoolkit.core.decode.DecodeStrategy;
import dev.seqtoolkit.core.decode.GreedySearch;
import dev.seqtoolkit.core.decode.StepModel;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.RunInfo;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.onnx.OrtStepModel;
import dev.seqtoolkit.core.onnx.Seq2SeqExporter;
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
import java.nio.file.Files;
import java.nio.file.Path;
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
 * DJL step model, always {@code --max-len} steps, at batch 1 and at the training batch size, with
 * beam-search figures beside them and, with {@code --onnx}, the same figures for the model exported
 * to ONNX and run by ONNX Runtime through the same search code.
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
    @Option(names = "--beam", defaultValue = "5", description = "Beam size of the beam-search figures; 0 skips them (default: ${DEFAULT-VALUE}).") int beam;
    @Option(names = "--onnx", description = "Also export each model to ONNX and decode it in ONNX Runtime (one more JSON line per case).") boolean onnx;
    @Option(names = "--onnx-without-gate-table", description = "With --onnx: also measure an export without the first layer's gate table (a third JSON line per case).") boolean onnxWithoutGateTable;
    @Option(names = "--onnx-only", description = "With --onnx: skip training and the DJL figures; export the initialised model and print only the ONNX Runtime lines.") boolean onnxOnly;
    @Option(names = "--ort-threads", defaultValue = "1", description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE}).") int ortThreads;
    @Option(names = "--ort-profile", description = "With --onnx: write ONNX Runtime's per-operator trace (JSON) to files starting with this prefix.") Path ortProfile;

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
                boolean djlFigures = !(onnx && onnxOnly);
                ObjectNode line = new ObjectMapper().createObjectNode();
                line.put("case", c == 'b' ? "b_bahdanau" : "c_luong");
                line.put("engine", "toolkit-" + engine.toLowerCase(Locale.ROOT));
                if (djlFigures) {
                    Seq2SeqTask task = new Seq2SeqTask(model, batch, sourceLength, targetLength);
                    train(task, batches, 3);
                    long t0 = System.nanoTime();
                    train(task, batches, trainSteps);
                    double trainSeconds = (System.nanoTime() - t0) / 1e9;
                    line.put("train_tokens_per_s",
                            CharLmBenchmark.round((double) trainSteps * batch * targetLength / trainSeconds));
                    try (DjlStepModel stepModel = DjlStepModel.of(model, manager)) {
                        decodeFigures(stepModel, line, random);
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
                if (djlFigures) {
                    System.out.println(line);
                }
                if (onnx) {
                    System.out.println(onnxLine(model, line, random, true));
                    if (onnxWithoutGateTable) {
                        System.out.println(onnxLine(model, line, random, false));
                    }
                }
            }
        }
        return 0;
    }

    /**
     * Greedy (the peer's figure) and beam-search sentences/s at batch 1 and at the training batch;
     * every search runs exactly {@code --max-len} steps, so runtimes compare like for like.
     */
    private void decodeFigures(StepModel stepModel, ObjectNode line, Random random) {
        GreedySearch greedy = GreedySearch.builder().optMinLength(maxLength).optMaxLength(maxLength).build();
        BeamSearch beamSearch = beam > 0
                ? BeamSearch.builder().optBeamSize(beam).optMinLength(maxLength).optMaxLength(maxLength).build()
                : null;
        for (int size : new int[] {1, batch}) {
            List<int[]> sources = sequences(random, size, sourceLength);
            line.put("decode_sents_per_s_b" + size, CharLmBenchmark.round(sentencesPerSecond(greedy, stepModel, sources)));
            if (beamSearch != null) {
                line.put("beam" + beam + "_sents_per_s_b" + size,
                        CharLmBenchmark.round(sentencesPerSecond(beamSearch, stepModel, sources)));
            }
        }
    }

    private double sentencesPerSecond(DecodeStrategy search, StepModel stepModel, List<int[]> sources) {
        search.decode(stepModel, sources); // warm-up
        long d0 = System.nanoTime();
        for (int r = 0; r < inferSteps; r++) {
            search.decode(stepModel, sources);
        }
        return inferSteps * sources.size() / ((System.nanoTime() - d0) / 1e9);
    }

    /**
     * Exports the trained model, loads it in ONNX Runtime and measures the same figures through the
     * same search code; also the load time and the resident memory the sessions added.
     */
    private ObjectNode onnxLine(Seq2SeqModel model, ObjectNode djlLine, Random random, boolean gateTable)
            throws IOException {
        Path dir = Files.createTempDirectory("seq2seq-bench-onnx");
        try {
            Seq2SeqExporter.of(model).optGateTable(gateTable).save(dir);
            long rssBefore = residentKiB("VmRSS");
            long l0 = System.nanoTime();
            ObjectNode line = new ObjectMapper().createObjectNode();
            line.put("case", djlLine.get("case").asText());
            line.put("engine", gateTable ? "toolkit-onnxruntime" : "toolkit-onnxruntime-no-gate-table");
            OnnxModel.Options options = OnnxModel.Options.defaults().withIntraOpThreads(ortThreads);
            if (ortProfile != null) {
                options = options.withProfiling(Path.of(ortProfile + "-" + djlLine.get("case").asText()));
            }
            try (OrtStepModel ort = OrtStepModel.load(dir, options)) {
                line.put("load_seconds", Math.round((System.nanoTime() - l0) / 1e6) / 1e3);
                decodeFigures(ort, line, random);
                line.put("sessions_rss_mib", Math.round((residentKiB("VmRSS") - rssBefore) / 1024.0));
            }
            line.put("infer_steps", inferSteps);
            ObjectNode setup = line.putObject("setup");
            setup.setAll((ObjectNode) djlLine.get("setup").deepCopy());
            setup.put("ort_threads", ortThreads);
            setup.put("gate_table", gateTable);
            setup.put("exported_from", djlLine.get("engine").asText());
            setup.put("process_peak_rss_mib", Math.round(residentKiB("VmHWM") / 1024.0));
            return line;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** A field of /proc/self/status in KiB, or -1 where there is none (not Linux). */
    private static long residentKiB(String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(field + ":")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
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
