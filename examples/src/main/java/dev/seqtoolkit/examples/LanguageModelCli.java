package dev.seqtoolkit.examples;

import dev.seqtoolkit.core.data.LanguageModelBatches;
import dev.seqtoolkit.core.engine.Engines;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.io.RunInfo;
import dev.seqtoolkit.core.lm.LanguageModelTrainer;
import dev.seqtoolkit.core.lm.Sampler;
import dev.seqtoolkit.core.lm.TextLanguageModel;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.GateActivation;
import dev.seqtoolkit.core.onnx.OnnxLanguageModel;
import dev.seqtoolkit.core.train.GradientClipping;
import dev.seqtoolkit.core.train.LearningRateSchedule;
import dev.seqtoolkit.core.train.MetricMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The language-model example: train a character (or word) LSTM language model on a text file,
 * save it as a bundle, load it back and generate text.
 *
 * <pre>
 * lm train --data-dir ../shared/datasets --text timemachine/timemachine.txt --out models/timemachine
 * lm generate --model models/timemachine "time traveller"
 * lm export --model models/timemachine --out models/timemachine.onnx
 * lm generate --model models/timemachine.onnx "time traveller"      # in ONNX Runtime
 * </pre>
 */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = "Recurrent language models: train, generate, evaluate, export.",
        subcommands = {LanguageModelCli.Train.class, LanguageModelCli.Generate.class, LanguageModelCli.Evaluate.class,
            LanguageModelCli.Export.class})
public final class LanguageModelCli {

    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(Programs.commandLine(new LanguageModelCli()).execute(args));
    }

    /** Trains and saves a model; prints training and held-out perplexity. */
    @Command(name = "train", mixinStandardHelpOptions = true, description = "Train a language model on a text file.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--data-dir", description = "Data directory (default: -Dtoolkit.data, $TOOLKIT_DATA or ../shared/datasets).")
        Path dataDir;
        @Option(names = "--text", defaultValue = "timemachine/timemachine.txt", description = "Text file, relative to the data directory or absolute (default: ${DEFAULT-VALUE}).")
        String text;
        @Option(names = "--out", required = true, description = "Bundle directory to write.")
        Path out;
        @Option(names = "--valid", description = "Validation text for held-out perplexity (then --held-out is not used), e.g. ptb/ptb.valid.txt.")
        String valid;
        @Option(names = "--plateau-factor", defaultValue = "0", description = "Multiply the rate by this factor after an epoch whose held-out perplexity did not improve; 0 keeps it fixed.")
        float plateauFactor;
        @Option(names = "--run-dir", description = "Directory for checkpoints, metrics.jsonl and loss.png.")
        Path runDir;
        @Option(names = "--resume", description = "Continue the run in --run-dir from its last checkpoint.")
        boolean resume;
        @Option(names = "--tokenizer", defaultValue = "LETTERS_AND_SPACE", description = "LETTERS_AND_SPACE, CHARACTERS or WORDS (default: ${DEFAULT-VALUE}).")
        TextLanguageModel.TokenizerKind tokenizer;
        @Option(names = "--cell", defaultValue = "LSTM", description = "LSTM or GRU (default: ${DEFAULT-VALUE}).")
        CellType cell;
        @Option(names = "--embedding", defaultValue = "0", description = "Embedding size; 0 for one-hot input (default: ${DEFAULT-VALUE}).")
        int embedding;
        @Option(names = "--hidden", defaultValue = "256") int hidden;
        @Option(names = "--layers", defaultValue = "1") int layers;
        @Option(names = "--dropout", defaultValue = "0") float dropout;
        @Option(names = "--gate-activation", defaultValue = "SIGMOID") GateActivation gateActivation;
        @Option(names = "--candidate-activation", defaultValue = "TANH") GateActivation candidateActivation;
        @Option(names = "--time-gate", description = "Add the extra gate on the input gate (explicit cells).") boolean timeGate;
        @Option(names = "--batch", defaultValue = "32") int batch;
        @Option(names = "--steps", defaultValue = "35") int steps;
        @Option(names = "--epochs", defaultValue = "500") int epochs;
        @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many updates in all; 0 trains every epoch (default: ${DEFAULT-VALUE}).") long maxSteps;
        @Option(names = "--optimizer", defaultValue = "SGD") LanguageModelTrainer.OptimizerKind optimizer;
        @Option(names = "--lr", defaultValue = "1") float lr;
        @Option(names = "--clip", defaultValue = "1", description = "Global gradient-norm clip; 0 for none (default: ${DEFAULT-VALUE}).") float clip;
        @Option(names = "--random-windows", description = "Random windows instead of sequential ones with carried state.") boolean random;
        @Option(names = "--held-out", defaultValue = "0.1", description = "Fraction at the end of the text held out (default: ${DEFAULT-VALUE}).") double heldOut;
        @Option(names = "--max-vocab", defaultValue = "0") int maxVocab;
        @Option(names = "--checkpoint-every", defaultValue = "0", description = "Checkpoint every N steps (needs --run-dir).") int checkpointEvery;
        @Option(names = "--seed", defaultValue = "42") long seed;
        @Option(names = "--no-progress", description = "No progress bar.") boolean noProgress;
        @Option(names = "--sample", defaultValue = "time traveller", description = "Prefix to continue after training.") String sample;
        @Option(names = "--result", description = "Write the figures as a JSON record (e.g. benchmarks/results/x.json).") Path result;

        @Override
        public Integer call() throws Exception {
            LanguageModelTrainer.Report report = run();
            report.model().close();
            return 0;
        }

        /** Trains, saves, and prints the figures and a greedy sample; the caller closes the model. */
        LanguageModelTrainer.Report run() throws Exception {
            Path file = DataFiles.resolve(dataDir, text);
            Path validFile = valid == null ? null : DataFiles.resolve(dataDir, valid);
            LanguageModelTrainer trainer = LanguageModelTrainer.builder()
                    .setTextFile(file)
                    .optValidationFile(validFile)
                    .optSchedule(plateauFactor > 0
                            ? LearningRateSchedule.reduceOnPlateau(lr, "perplexity", MetricMode.MIN, 0, plateauFactor, lr * 1e-4f)
                            : null)
                    .optTokenizer(tokenizer)
                    .optCell(cell)
                    .optEmbeddingSize(embedding)
                    .optHiddenSize(hidden)
                    .optNumLayers(layers)
                    .optDropout(dropout)
                    .optGateActivation(gateActivation)
                    .optCandidateActivation(candidateActivation)
                    .optTimeGate(timeGate)
                    .optBatchSize(batch)
                    .optNumSteps(steps)
                    .optEpochs(epochs)
                    .optOptimizer(optimizer)
                    .optLearningRate(lr)
                    .optClipping(clip > 0 ? GradientClipping.byGlobalNorm(clip) : GradientClipping.none())
                    .optMode(random ? LanguageModelBatches.Mode.RANDOM : LanguageModelBatches.Mode.SEQUENTIAL)
                    .optHeldOutFraction(heldOut)
                    .optMaxVocabulary(maxVocab)
                    .optRunDirectory(runDir)
                    .optResume(resume)
                    .optMaxSteps(maxSteps)
                    .optCheckpointEverySteps(checkpointEvery)
                    .optSeed(seed)
                    .optProgressBar(!noProgress)
                    .build();
            LanguageModelTrainer.Report report = trainer.train();
            TextLanguageModel lm = report.model();
            {
                Provenance provenance = Provenance.builder()
                        .setConfig(lm.configJson())
                        .addDataFile(file)
                        .optEngine(Engines.configuredName())
                        .addExtra("command", "bin/seqtk lm " + String.join(" ", commandLine()))
                        .build();
                lm.save(out, provenance);
                System.out.printf("train perplexity %.3f, held-out perplexity %.3f (%d train tokens, %d held out, %d unknown), %.0f tokens/s, %.1f s%n",
                        report.trainPerplexity(), report.heldOutPerplexity(), report.trainTokens(), report.heldOutTokens(),
                        report.unknownTokens(), report.training().unitsPerSecond(), report.seconds());
                System.out.println("saved " + out);
                if (!sample.isEmpty()) {
                    System.out.println("greedy: " + lm.generate(sample, 50, Sampler.greedy()));
                }
                if (result != null) {
                    ObjectNode node = RunInfo.describe("bin/seqtk lm " + String.join(" ", commandLine()));
                    node.put("engine", Engines.configuredName());
                    node.put("dataset", datasetName(file));
                    node.put("model", out.toString());
                    node.put("epochs", report.training().epochsCompleted());
                    node.put("steps", report.training().globalSteps());
                    node.put("tokens_per_s", report.training().unitsPerSecond());
                    node.put("seconds", report.training().elapsedSeconds());
                    ObjectNode train = node.putObject("train");
                    train.put("split", validFile != null ? "train" : "first " + Math.round((1 - heldOut) * 100) + "% of the text");
                    train.put("tokens", report.trainTokens());
                    train.put("perplexity", report.trainPerplexity());
                    ObjectNode tail = node.putObject("heldout");
                    tail.put("split", validFile != null ? validFile.getFileName().toString() : "last " + Math.round(heldOut * 100) + "% of the text");
                    tail.put("tokens", report.heldOutTokens());
                    tail.put("perplexity", report.heldOutPerplexity());
                    tail.put("unknown_tokens", report.unknownTokens());
                    Samples.put(node, lm, sample.isEmpty() ? "time traveller" : sample);
                    AtomicFiles.write(result, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
                    System.out.println("wrote " + result);
                }
            }
            return report;
        }

        private java.util.List<String> commandLine() {
            return spec.commandLine().getParseResult().originalArgs();
        }

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
    }

    /** The data set a file belongs to: its folder's name under the data directory. */
    static String datasetName(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? file.getFileName().toString() : parent.getFileName().toString();
    }

    /** Continuations recorded beside the figures: greedy, temperature 0.8, and top-k 5. */
    static final class Samples {
        private Samples() {}

        static void put(ObjectNode node, TextLanguageModel lm, String prefix) {
            ObjectNode samples = node.putObject("samples");
            samples.put("greedy", lm.generate(prefix, 100, Sampler.greedy()));
            samples.put("temperature_0.8_seed_1", lm.generate(prefix, 100, Sampler.sampling(0.8, 0, 1)));
            samples.put("top_k_5_seed_1", lm.generate(prefix, 100, Sampler.sampling(1.0, 5, 1)));
        }
    }

    /** Loads a bundle and continues a prefix. */
    @Command(name = "generate", mixinStandardHelpOptions = true, description = "Continue a prefix with a saved model.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--model", required = true) Path model;
        @Option(names = "--length", defaultValue = "50", description = "Tokens to generate (default: ${DEFAULT-VALUE}).") int length;
        @Option(names = "--temperature", defaultValue = "0", description = "0 for greedy, else sampling temperature.") double temperature;
        @Option(names = "--top-k", defaultValue = "0", description = "Sample among the k most likely tokens; 0 for all.") int topK;
        @Option(names = "--seed", defaultValue = "1") long seed;
        @Parameters(arity = "1..*", description = "Prefixes to continue.") java.util.List<String> prefixes;

        @Override
        public Integer call() throws Exception {
            Sampler sampler = temperature == 0 ? Sampler.greedy() : Sampler.sampling(temperature, topK, seed);
            if (java.nio.file.Files.isRegularFile(model)) { // an ONNX export (lm export)
                try (OnnxLanguageModel lm = OnnxLanguageModel.load(model)) {
                    for (String prefix : prefixes) {
                        System.out.println(lm.generate(prefix, length, sampler));
                    }
                }
                return 0;
            }
            try (TextLanguageModel lm = TextLanguageModel.load(model)) {
                for (String prefix : prefixes) {
                    System.out.println(lm.generate(prefix, length, sampler));
                }
            }
            return 0;
        }
    }

    /** Perplexity of a saved model on a text file. */
    @Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Perplexity of a saved model on a text.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--model", required = true) Path model;
        @Option(names = "--data-dir") Path dataDir;
        @Option(names = "--text", required = true) String text;
        @Option(names = "--batch", defaultValue = "10") int batch;
        @Option(names = "--steps", defaultValue = "35") int steps;
        @Option(names = "--tail", defaultValue = "1", description = "Score only this last fraction of the text's tokens, e.g. 0.1 for a held-out tail (default: ${DEFAULT-VALUE}).") double tail;
        @Option(names = "--sample", defaultValue = "time traveller", description = "Prefix continued in the --result record.") String sample;
        @Option(names = "--result", description = "Write the figures as a JSON record.") Path result;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!(tail > 0 && tail <= 1)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tail must be in (0, 1], got " + tail);
            }
            Path file = DataFiles.resolve(dataDir, text);
            try (TextLanguageModel lm = TextLanguageModel.load(model)) {
                dev.seqtoolkit.core.text.EncodeStats stats = new dev.seqtoolkit.core.text.EncodeStats();
                int[] all = lm.encode(dev.seqtoolkit.core.text.TextFiles.readString(file), stats);
                int[] ids = java.util.Arrays.copyOfRange(all, all.length - (int) Math.floor(all.length * tail), all.length);
                double perplexity = lm.perplexity(ids, batch, steps);
                System.out.printf("perplexity %.3f over %d tokens (%d unknown in the whole text)%n", perplexity, ids.length, stats.unknown());
                if (result != null) {
                    ObjectNode node = RunInfo.describe("bin/seqtk lm " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
                    node.put("engine", Engines.configuredName());
                    node.put("dataset", datasetName(file));
                    node.put("split", tail == 1 ? "whole text" : "last " + Math.round(tail * 100) + "% of the text");
                    node.put("model", model.toString());
                    node.put("tokens", ids.length);
                    node.put("perplexity", perplexity);
                    Samples.put(node, lm, sample);
                    AtomicFiles.write(result, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
                    System.out.println("wrote " + result);
                }
            }
            return 0;
        }
    }

    /** Exports a saved model to one ONNX file that {@code generate --model FILE} runs in ONNX Runtime. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export a language-model bundle to one ONNX file (tokenizer, vocabulary, config and provenance in its metadata).")
    static final class Export implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "Bundle directory.") Path model;
        @Option(names = "--out", required = true, description = "ONNX file to write (atomically).") Path out;

        @Override
        public Integer call() throws Exception {
            try (TextLanguageModel lm = TextLanguageModel.load(model)) {
                OnnxLanguageModel.export(lm, out, Provenance.builder().setConfig(lm.configJson())
                        .addDataString(lm.vocabulary().sha256()).addExtra("export", "onnx").build());
            }
            System.out.println("exported " + model + " to " + out);
            return 0;
        }
    }
}
