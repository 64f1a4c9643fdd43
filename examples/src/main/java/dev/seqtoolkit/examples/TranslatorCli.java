package dev.seqtoolkit.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.io.RunInfo;
import dev.seqtoolkit.translate.AttentionHeatmap;
import dev.seqtoolkit.translate.AttentionMatrix;
import dev.seqtoolkit.translate.EvaluationResult;
import dev.seqtoolkit.translate.SourceTooLongException;
import dev.seqtoolkit.translate.Translation;
import dev.seqtoolkit.translate.Translator;
import dev.seqtoolkit.translate.TranslatorConfig;
import dev.seqtoolkit.core.text.TextFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The example translator program.
 *
 * <pre>
 * translator train --data-dir ../shared/datasets --out models/en-de [--config translator.json] [--run-dir runs/en-de]
 * translator translate --model models/en-de "A man is riding a bicycle."
 * translator translate --model models/en-de --input test.en --beam 5 --nbest 3
 * translator translate --model models/en-de --attention-png attention.png "A dog runs."
 * translator translate --model models/en-de          (reads standard input, one sentence per line)
 * translator evaluate --model models/en-de --data-dir ../shared/datasets --json result.json
 * translator export --model models/en-de --out models/en-de-onnx   (then --model models/en-de-onnx runs in ONNX Runtime)
 * </pre>
 *
 * Defaults are Multi30k English to German: {@code multi30k/train.en|de}, {@code val.en|de} and
 * {@code test_2016_flickr.en|de}, relative to the data directory. Each subcommand's work is a method
 * returning its result, so tests run it without a process.
 */
@Command(name = "translator", mixinStandardHelpOptions = true,
        description = "Train, run and evaluate attention-based translation models.",
        subcommands = {TranslatorCli.Train.class, TranslatorCli.Translate.class, TranslatorCli.Evaluate.class,
            TranslatorCli.Export.class})
public final class TranslatorCli {

    public static void main(String[] args) {
        System.exit(Programs.commandLine(new TranslatorCli()).execute(args));
    }

    /** Trains and saves a translator. */
    @Command(name = "train", mixinStandardHelpOptions = true, description = "Train a translator on parallel text.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--data-dir", description = "Data directory (default: -Dtoolkit.data, $TOOLKIT_DATA or ../shared/datasets).")
        Path dataDir;
        @Option(names = "--train-src", defaultValue = "multi30k/train.en", description = "Training source (default: ${DEFAULT-VALUE}).")
        String trainSource;
        @Option(names = "--train-tgt", defaultValue = "multi30k/train.de", description = "Training target (default: ${DEFAULT-VALUE}).")
        String trainTarget;
        @Option(names = "--dev-src", defaultValue = "multi30k/val.en", description = "Dev source (default: ${DEFAULT-VALUE}).")
        String devSource;
        @Option(names = "--dev-tgt", defaultValue = "multi30k/val.de", description = "Dev target (default: ${DEFAULT-VALUE}).")
        String devTarget;
        @Option(names = "--config", description = "Translator config JSON (pipeline, model, training, decoding); defaults otherwise.")
        Path config;
        @Option(names = "--epochs", description = "Overrides training.epochs.")
        Integer epochs;
        @Option(names = "--out", required = true, description = "Bundle directory to write.")
        Path out;
        @Option(names = "--run-dir", description = "Directory for checkpoints, metrics.jsonl and loss.png.")
        Path runDir;
        @Option(names = "--resume", description = "Continue the run in --run-dir from its last checkpoint (same config and files; --epochs may be raised).")
        boolean resume;
        @Option(names = "--no-progress", description = "No progress bar.")
        boolean noProgress;

        @Override
        public Integer call() throws Exception {
            run(System.out);
            return 0;
        }

        /** Trains, saves the bundle and prints a summary; returns the training result's dev metrics. */
        java.util.Map<String, Double> run(PrintStream stdout) throws IOException {
            TranslatorConfig c = config == null ? TranslatorConfig.defaults() : TranslatorConfig.load(config);
            if (epochs != null) {
                TranslatorConfig.Training t = c.training();
                c = c.withTraining(new TranslatorConfig.Training(epochs, t.batchSize(), t.maxTokens(), t.maxLength(),
                        t.optimizer(), t.learningRate(), t.schedule(), t.clipNorm(), t.earlyStopping(), t.patience(),
                        t.devSentences(), t.seed()));
            }
            if (resume && runDir == null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--resume needs --run-dir");
            }
            Path[] files = {DataFiles.resolve(dataDir, trainSource), DataFiles.resolve(dataDir, trainTarget),
                DataFiles.resolve(dataDir, devSource), DataFiles.resolve(dataDir, devTarget)};
            try (Translator translator = resume
                    ? Translator.resume(c, files[0], files[1], files[2], files[3], runDir, !noProgress)
                    : Translator.train(c, files[0], files[1], files[2], files[3], runDir, !noProgress)) {
                translator.save(out);
                var result = translator.trainingResult().orElseThrow();
                stdout.printf(Locale.ROOT, "trained %d epochs (%d steps), %.0f target tokens/s, %.1f s; dev %s%n",
                        result.epochsCompleted(), result.globalSteps(), result.unitsPerSecond(), result.elapsedSeconds(),
                        result.finalDevMetrics());
                stdout.println("saved " + out);
                return result.finalDevMetrics();
            }
        }
    }

    /** Translates an argument, a file, or standard input line by line. */
    @Command(name = "translate", mixinStandardHelpOptions = true,
            description = "Translate sentences given as arguments, in a file (--input), or on standard input (one per line, flushed per line).")
    static final class Translate implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "Bundle directory.")
        Path model;
        @Option(names = "--input", description = "File with one sentence per line (strict UTF-8); a path that does not exist is looked up under the data directory (TOOLKIT_DATA), as the other subcommands' files are.")
        Path input;
        @Option(names = "--beam", description = "Beam size (1 = greedy); default from the model's config.")
        Integer beam;
        @Option(names = "--nbest", defaultValue = "1", description = "Print the n best translations with scores, tab-separated.")
        int nBest;
        @CommandLine.Mixin
        OrtOptions ort = new OrtOptions();
        @Option(names = "--attention-png", description = "Write a heat map of the attention of the (first) sentence to this PNG file.")
        Path attentionPng;
        @Parameters(arity = "0..*", description = "Sentences to translate.")
        List<String> sentences = new ArrayList<>();

        /** Lines that could not be translated (over the length limit), reported on stderr. */
        int failures;

        @Override
        public Integer call() throws Exception {
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (Translator translator = Translator.load(model, ort.options())) {
                run(translator, stdin, System.out, System.err);
            }
            return failures == 0 ? 0 : 1;
        }

        /**
         * Translates with {@code translator}: the arguments, else the input file, else {@code stdin}
         * line by line (each result printed and flushed before the next line is read). A sentence over
         * the length limit prints an empty line (output stays line-aligned) and a message on stderr.
         *
         * @return the printed lines
         */
        List<String> run(Translator base, BufferedReader stdin, PrintStream stdout, PrintStream stderr) throws IOException {
            if (nBest < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--nbest must be at least 1, got " + nBest);
            }
            Translator translator = beam == null ? base : base.withDecoding(base.config().decoding().withBeamSize(beam));
            List<String> printed = new ArrayList<>();
            if (!sentences.isEmpty() || input != null) {
                List<String> lines = !sentences.isEmpty() ? sentences
                        : TextFiles.readLines(DataFiles.resolve(null, input.toString()));
                String where = !sentences.isEmpty() ? "argument" : input + " line";
                if (nBest == 1 && attentionPng == null) {
                    List<String> ok = new ArrayList<>();
                    for (int i = 0; i < lines.size(); i++) {
                        ok.add(checkLength(translator, lines.get(i), where + " " + (i + 1), stderr) ? lines.get(i) : "");
                    }
                    for (String line : translator.translate(ok)) {
                        emit(line, stdout, printed);
                    }
                } else {
                    for (int i = 0; i < lines.size(); i++) {
                        one(translator, lines.get(i), where + " " + (i + 1), i == 0, stdout, stderr, printed);
                    }
                }
            } else {
                String line;
                long number = 0;
                while ((line = stdin.readLine()) != null) {
                    one(translator, line, "standard input line " + (++number), number == 1, stdout, stderr, printed);
                }
            }
            return printed;
        }

        private boolean checkLength(Translator translator, String line, String where, PrintStream stderr) {
            try {
                translator.pipeline().encodeSource(line);
                return true;
            } catch (SourceTooLongException e) {
                stderr.println(where + ": " + e.getMessage());
                failures++;
                return false;
            }
        }

        private void one(Translator translator, String line, String where, boolean first, PrintStream stdout,
                PrintStream stderr, List<String> printed) throws IOException {
            if (!checkLength(translator, line, where, stderr)) {
                emit("", stdout, printed);
                return;
            }
            if (nBest == 1) {
                emit(translator.translate(line), stdout, printed);
            } else {
                List<Translation> list = translator.translateNBest(line, nBest);
                if (list.isEmpty()) {
                    emit("", stdout, printed);
                }
                for (Translation t : list) {
                    emit(String.format(Locale.ROOT, "%.4f\t%s", t.score(), t.text()), stdout, printed);
                }
            }
            if (first && attentionPng != null && !line.isBlank()) {
                AttentionMatrix attention = translator.attention(line);
                AttentionHeatmap.write(attention, line, attentionPng);
                stderr.println("attention written to " + attentionPng);
            }
        }

        private static void emit(String line, PrintStream stdout, List<String> printed) {
            stdout.println(line);
            stdout.flush();
            printed.add(line);
        }
    }

    /** Scores a model on a test set. */
    @Command(name = "evaluate", mixinStandardHelpOptions = true, description = "BLEU (sacreBLEU-compatible), chrF and speed on a test set.")
    static final class Evaluate implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        @Option(names = "--model", required = true, description = "Bundle directory.")
        Path model;
        @Option(names = "--data-dir", description = "Data directory (default: -Dtoolkit.data, $TOOLKIT_DATA or ../shared/datasets).")
        Path dataDir;
        @Option(names = "--src", defaultValue = "multi30k/test_2016_flickr.en", description = "Test source (default: ${DEFAULT-VALUE}).")
        String source;
        @Option(names = "--ref", defaultValue = "multi30k/test_2016_flickr.de", description = "Test reference (default: ${DEFAULT-VALUE}).")
        String reference;
        @Option(names = "--beam", description = "Beam size (1 = greedy); default from the model's config.")
        Integer beam;
        @Option(names = "--json", description = "Also write the result as JSON to this file.")
        Path json;
        @CommandLine.Mixin
        OrtOptions ort = new OrtOptions();
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Translator translator = Translator.load(model, ort.options())) {
                run(translator, System.out);
            }
            return 0;
        }

        /** Evaluates, prints BLEU, chrF and speed, and writes the JSON if asked; returns the JSON record. */
        ObjectNode run(Translator base, PrintStream stdout) throws IOException {
            Translator translator = beam == null ? base : base.withDecoding(base.config().decoding().withBeamSize(beam));
            Path src = DataFiles.resolve(dataDir, source);
            Path ref = DataFiles.resolve(dataDir, reference);
            EvaluationResult r = translator.evaluate(src, ref);
            stdout.println(r.bleu().format());
            stdout.println(r.chrF().format());
            stdout.printf(Locale.ROOT, "%d sentences in %.2f s: %.1f sentences/s (beam %d)%n", r.sentences(), r.seconds(),
                    r.sentencesPerSecond(), translator.config().decoding().beamSize());
            List<String> args = spec == null ? List.of() : spec.commandLine().getParseResult().originalArgs();
            ObjectNode node = RunInfo.describe("bin/seqtk translator " + String.join(" ", args));
            node.put("engine", Engines.configuredName());
            node.put("model", model.toString());
            node.put("dataset", dataset(src));
            node.put("split", split(src));
            node.put("source", src.toString());
            node.put("reference", ref.toString());
            node.put("beam", translator.config().decoding().beamSize());
            node.put("bleu", r.bleu().score());
            node.put("bleuSignature", r.bleu().signature());
            node.put("chrf", r.chrF().score());
            node.put("sentences", r.sentences());
            node.put("seconds", r.seconds());
            node.put("sentences_per_s", r.sentencesPerSecond());
            if (json != null) {
                AtomicFiles.write(json, JSON.writeValueAsBytes(node));
                stdout.println("wrote " + json);
            }
            return node;
        }

        private static String dataset(Path file) {
            Path parent = file.toAbsolutePath().getParent();
            return parent == null ? "" : parent.getFileName().toString();
        }

        private static String split(Path file) {
            String name = file.getFileName().toString();
            int dot = name.lastIndexOf('.');
            return dot > 0 ? name.substring(0, dot) : name;
        }
    }

    /** Exports a bundle for ONNX Runtime; the result loads wherever a bundle does ({@code --model DIR}). */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export a translator bundle to ONNX (encoder + decoder step, vocabularies, BPE, config).")
    static final class Export extends ExportCommand {
        @Override
        void export(Path model, Path out) throws IOException {
            try (Translator translator = Translator.load(model)) {
                translator.exportOnnx(out);
            }
        }
    }
}
