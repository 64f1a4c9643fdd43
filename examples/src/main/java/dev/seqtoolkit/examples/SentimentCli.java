package dev.seqtoolkit.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.hierarchy.DocumentTooLongException;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.io.RunInfo;
import dev.seqtoolkit.core.lm.TextLanguageModel;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.text.TextFiles;
import dev.seqtoolkit.sentiment.AttentionHtml;
import dev.seqtoolkit.sentiment.DocumentSentimentClassifier;
import dev.seqtoolkit.sentiment.Evaluation;
import dev.seqtoolkit.sentiment.LabeledFiles;
import dev.seqtoolkit.sentiment.LabeledText;
import dev.seqtoolkit.sentiment.Prediction;
import dev.seqtoolkit.sentiment.SentenceAttention;
import dev.seqtoolkit.sentiment.SentimentClassifier;
import dev.seqtoolkit.sentiment.SentimentConfig;
import dev.seqtoolkit.sentiment.SentimentText;
import dev.seqtoolkit.sentiment.TextClassifier;
import dev.seqtoolkit.sentiment.TrainingOptions;
import dev.seqtoolkit.sentiment.TrainingReport;
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
 * The example sentiment program.
 *
 * <pre>
 * sentiment train --out models/sst2                                   (SST-2 train/dev from the data directory)
 * sentiment train --hierarchical --train imdb/train.tsv.gz --dev-fraction 0.1 --out models/imdb-han
 * sentiment train --config sst2.json --pretrained-lm models/imdb-lm --out models/sst2-lm
 * sentiment predict --model models/sst2 "a gorgeous , witty , seductive movie ."
 * sentiment predict --model models/sst2 --input reviews.txt --html attention.html
 * sentiment predict --model models/sst2                               (standard input, one text per line)
 * sentiment evaluate --model models/sst2 --test sst2/stsa.binary.dev --json result.json
 * sentiment evaluate --model models/imdb-han --test imdb/train.tsv.gz --held-out 0.1 --split-seed 42
 * sentiment lm-text --input imdb/train.tsv.gz --dev-fraction 0.1 --hierarchical --out imdb-unlabelled.txt
 * sentiment export --model models/sst2 --out models/sst2-onnx          (then --model models/sst2-onnx runs in ONNX Runtime)
 * sentiment evaluate --model models/sst2-onnx --ort-threads 2
 * </pre>
 * Files: {@code label text} lines (SST-2) or {@code label<TAB>text} lines ({@code .tsv}, IMDB),
 * resolved as given or under the data directory. Each subcommand's work is a method returning its
 * result, so tests run it without a process.
 */
@Command(name = "sentiment", mixinStandardHelpOptions = true,
        description = "Train, run and evaluate sentence and hierarchical document sentiment classifiers.",
        subcommands = {SentimentCli.Train.class, SentimentCli.Predict.class, SentimentCli.Evaluate.class,
                SentimentCli.LmText.class, SentimentCli.Export.class})
public final class SentimentCli {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(Programs.commandLine(new SentimentCli()).execute(args));
    }

    /** Trains and saves a classifier. */
    @Command(name = "train", mixinStandardHelpOptions = true, description = "Train a classifier with a dev set and early stopping.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--data-dir", description = "Data directory (default: -Dtoolkit.data, $TOOLKIT_DATA or ../shared/datasets).")
        Path dataDir;
        @Option(names = "--train", defaultValue = "sst2/stsa.binary.train", description = "Training file (default: ${DEFAULT-VALUE}).")
        String train;
        @Option(names = "--dev", description = "Dev file (default: sst2/stsa.binary.dev unless --dev-fraction is given).")
        String dev;
        @Option(names = "--dev-fraction", description = "Hold out this share of the training file as the dev set (seeded by --split-seed).")
        Double devFraction;
        @Option(names = "--split-seed", defaultValue = "42", description = "Seed of the held-out split (default: ${DEFAULT-VALUE}).")
        long splitSeed;
        @Option(names = "--format", defaultValue = "AUTO", description = "AUTO, SPACE (label text) or TSV (label<TAB>text).")
        LabeledFiles.Format format;
        @Option(names = "--config", description = "Sentiment config JSON; defaults otherwise.")
        Path config;
        @Option(names = "--labels", split = ",", description = "Declared labels (default: the config's, else 0,1).")
        List<String> labels;
        @Option(names = "--hierarchical", description = "Hierarchical document model (when no --config is given).")
        boolean hierarchical;
        @Option(names = "--epochs", description = "Overrides the config's epochs.")
        Integer epochs;
        @Option(names = "--pretrained-lm", description = "A word-level language model bundle (bin/seqtk lm train --tokenizer WORDS) to start the embedding and encoder from.")
        Path pretrainedLm;
        @Option(names = "--out", required = true, description = "Bundle directory to write.")
        Path out;
        @Option(names = "--run-dir", description = "Directory for checkpoints, metrics.jsonl and loss.png.")
        Path runDir;
        @Option(names = "--resume", description = "Continue the run in --run-dir from its last checkpoint (same config and data; --epochs may be raised).")
        boolean resume;
        @Option(names = "--no-progress", description = "No progress bar.")
        boolean noProgress;

        @Override
        public Integer call() throws Exception {
            run(System.out);
            return 0;
        }

        /** Trains, saves and prints a summary; returns the training report. */
        TrainingReport run(PrintStream stdout) throws IOException {
            SentimentConfig c = config != null ? SentimentConfig.load(config)
                    : (hierarchical ? DocumentSentimentClassifier.builder() : SentimentClassifier.builder())
                            .setLabels(labels != null ? labels : List.of("0", "1")).build();
            SentimentConfig.Builder b = c.toBuilder();
            if (labels != null) {
                b.setLabels(labels);
            }
            if (epochs != null) {
                b.optEpochs(epochs);
            }
            c = b.build();
            List<LabeledText> trainSet = LabeledFiles.read(DataFiles.resolve(dataDir, train), format, c.labels());
            List<LabeledText> devSet;
            if (devFraction != null) {
                if (dev != null) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "give --dev or --dev-fraction, not both");
                }
                List<List<LabeledText>> split = TextClassifier.holdOut(trainSet, devFraction, splitSeed);
                trainSet = split.get(0);
                devSet = split.get(1);
            } else {
                devSet = LabeledFiles.read(DataFiles.resolve(dataDir, dev != null ? dev : "sst2/stsa.binary.dev"), format,
                        c.labels());
            }
            TrainingOptions.Builder options = TrainingOptions.builder().optProgressBar(!noProgress).optRunDirectory(runDir)
                    .optResume(resume);
            TextLanguageModel lm = pretrainedLm == null ? null : TextLanguageModel.load(pretrainedLm);
            try {
                options.optPretrainedLanguageModel(lm);
                try (TextClassifier classifier = c.architecture() == SentimentConfig.Architecture.HIERARCHICAL
                        ? DocumentSentimentClassifier.train(c, trainSet, devSet, options.build())
                        : SentimentClassifier.train(c, trainSet, devSet, options.build())) {
                    classifier.save(out);
                    TrainingReport r = classifier.trainingReport().orElseThrow();
                    stdout.printf(Locale.ROOT, "trained %d epochs (%d steps) on %d texts, %.0f texts/s, %.1f s; best dev "
                                    + "accuracy %.4f at epoch %d of %d dev texts%s%n", r.training().epochsCompleted(),
                            r.training().globalSteps(), r.trainTexts(), r.training().unitsPerSecond(), r.seconds(),
                            r.training().bestMetric(), r.training().bestEpoch() + 1, r.devTexts(),
                            r.pretraining() == null ? "" : "; " + r.pretraining().copiedRows()
                                    + " embedding rows from the language model");
                    stdout.println("saved " + out);
                    return r;
                }
            } finally {
                if (lm != null) {
                    lm.close();
                }
            }
        }
    }

    /** Classifies texts. */
    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Classify texts given as arguments, in a file (--input, one per line) or on standard input; prints label and probabilities, tab-separated.")
    static final class Predict implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "Bundle or ONNX export directory.")
        Path model;
        @Option(names = "--input", description = "File with one text per line (strict UTF-8).")
        Path input;
        @Option(names = "--html", description = "Write the texts highlighted by attention to this HTML file.")
        Path html;
        @Option(names = "--json", description = "Print one JSON object per text (label, probabilities, attention) instead of tab-separated lines.")
        boolean json;
        @CommandLine.Mixin
        OrtOptions ort = new OrtOptions();
        @Parameters(arity = "0..*", description = "Texts to classify.")
        List<String> texts = new ArrayList<>();

        int failures;

        @Override
        public Integer call() throws Exception {
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (TextClassifier classifier = load(model, ort.options())) {
                run(classifier, stdin, System.out, System.err);
            }
            return failures == 0 ? 0 : 1;
        }

        /** Classifies and prints; a refused text prints an empty line and a message on stderr. Returns the printed lines. */
        List<String> run(TextClassifier classifier, BufferedReader stdin, PrintStream stdout, PrintStream stderr)
                throws IOException {
            List<String> lines = !texts.isEmpty() ? texts : input != null ? TextFiles.readLines(input) : null;
            List<String> printed = new ArrayList<>();
            List<Prediction> shown = new ArrayList<>();
            if (lines != null) {
                String where = !texts.isEmpty() ? "argument " : input + ":";
                for (int i = 0; i < lines.size(); i += TextClassifier.PREDICT_BATCH) {
                    List<String> chunk = lines.subList(i, Math.min(lines.size(), i + TextClassifier.PREDICT_BATCH));
                    List<Prediction> ps;
                    try {
                        ps = classifier.predict(chunk);
                    } catch (DocumentTooLongException e) {
                        ps = new ArrayList<>();
                        for (int j = 0; j < chunk.size(); j++) {
                            ps.add(one(classifier, chunk.get(j), where + (i + j + 1), stderr));
                        }
                    }
                    for (Prediction p : ps) {
                        emit(p, stdout, printed, shown);
                    }
                }
            } else {
                String line;
                long number = 0;
                while ((line = stdin.readLine()) != null) {
                    emit(one(classifier, line, "standard input line " + (++number), stderr), stdout, printed, shown);
                }
            }
            if (html != null) {
                AttentionHtml.write(shown, html);
                stderr.println("attention written to " + html);
            }
            return printed;
        }

        private Prediction one(TextClassifier classifier, String text, String where, PrintStream stderr) {
            try {
                return classifier.predict(text);
            } catch (DocumentTooLongException e) {
                stderr.println(where + ": " + e.getMessage());
                failures++;
                return null;
            }
        }

        private void emit(Prediction p, PrintStream stdout, List<String> printed, List<Prediction> shown) {
            String line;
            if (p == null) {
                line = "";
            } else if (json) {
                line = toJson(p).toString();
                shown.add(p);
            } else {
                StringBuilder sb = new StringBuilder(p.label());
                double[] probs = p.probabilities();
                for (int i = 0; i < probs.length; i++) {
                    sb.append(String.format(Locale.ROOT, "\t%s=%.4f", p.labels().get(i), probs[i]));
                }
                line = sb.toString();
                shown.add(p);
            }
            stdout.println(line);
            stdout.flush();
            printed.add(line);
        }

        static ObjectNode toJson(Prediction p) {
            ObjectNode node = JSON.createObjectNode();
            node.put("label", p.label());
            ObjectNode probs = node.putObject("probabilities");
            double[] pr = p.probabilities();
            for (int i = 0; i < pr.length; i++) {
                probs.put(p.labels().get(i), pr[i]);
            }
            ArrayNode sentences = node.putArray("sentences");
            for (SentenceAttention s : p.sentences()) {
                ObjectNode sn = sentences.addObject();
                sn.put("weight", s.weight());
                ArrayNode words = sn.putArray("words");
                double[] w = s.wordWeights();
                for (int i = 0; i < s.tokens().size(); i++) {
                    ObjectNode wn = words.addObject().put("token", s.tokens().get(i));
                    if (w.length > 0) {
                        wn.put("weight", w[i]);
                    }
                }
            }
            node.put("empty", p.empty());
            node.put("droppedWords", p.droppedWords());
            return node;
        }
    }

    /** Scores a model on a labelled file. */
    @Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Accuracy, macro-F1, confusion matrix and speed on a labelled file.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "Bundle or ONNX export directory.")
        Path model;
        @Option(names = "--data-dir", description = "Data directory (default: -Dtoolkit.data, $TOOLKIT_DATA or ../shared/datasets).")
        Path dataDir;
        @Option(names = "--test", defaultValue = "sst2/stsa.binary.dev", description = "Labelled file (default: ${DEFAULT-VALUE}).")
        String test;
        @Option(names = "--format", defaultValue = "AUTO", description = "AUTO, SPACE or TSV.")
        LabeledFiles.Format format;
        @Option(names = "--held-out", description = "Evaluate only the held-out part of the file that train --dev-fraction F held out (same --split-seed).")
        Double heldOut;
        @Option(names = "--split-seed", defaultValue = "42", description = "Seed of the held-out split (default: ${DEFAULT-VALUE}).")
        long splitSeed;
        @Option(names = "--json", description = "Also write the result as JSON to this file.")
        Path json;
        @CommandLine.Mixin
        OrtOptions ort = new OrtOptions();
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (TextClassifier classifier = load(model, ort.options())) {
                run(classifier, System.out);
            }
            return 0;
        }

        /** Evaluates, prints the report and writes the JSON if asked; returns the JSON record. */
        ObjectNode run(TextClassifier classifier, PrintStream stdout) throws IOException {
            Path file = DataFiles.resolve(dataDir, test);
            List<LabeledText> examples = LabeledFiles.read(file, format, classifier.labels());
            if (heldOut != null) {
                examples = TextClassifier.holdOut(examples, heldOut, splitSeed).get(1);
            }
            Evaluation e = classifier.evaluate(examples);
            stdout.print(e.report().toText());
            stdout.printf(Locale.ROOT, "%d texts: accuracy %.4f, macro-F1 %.4f, %.1f texts/s, %d truncated%n",
                    examples.size(), e.accuracy(), e.macroF1(), e.textsPerSecond(), e.truncatedTexts());
            List<String> args = spec == null ? List.of() : spec.commandLine().getParseResult().originalArgs();
            ObjectNode node = RunInfo.describe("bin/seqtk sentiment " + String.join(" ", args));
            node.put("engine", classifier.backend() == TextClassifier.Backend.ONNX_RUNTIME ? "onnxruntime"
                    : Engines.configuredName());
            node.put("model", model == null ? "" : model.toString());
            node.put("architecture", classifier.config().architecture().name());
            node.put("test", file.toString());
            if (heldOut != null) {
                node.put("heldOut", heldOut).put("splitSeed", splitSeed);
            }
            node.put("texts", examples.size());
            node.put("accuracy", e.accuracy());
            node.put("macroF1", e.macroF1());
            node.put("textsPerSecond", e.textsPerSecond());
            node.put("truncated", e.truncatedTexts());
            node.set("report", JSON.valueToTree(e.report().summary()));
            if (json != null) {
                AtomicFiles.write(json, JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(node));
                stdout.println("wrote " + json);
            }
            return node;
        }
    }

    /** A bundle on the DJL engine, or an ONNX export in ONNX Runtime with {@code onnx}'s options. */
    static TextClassifier load(Path model, OnnxModel.Options onnx) throws IOException {
        return TextClassifier.isOnnxExport(model)
                ? TextClassifier.loadOnnx(model, onnx)
                : TextClassifier.load(model);
    }

    /** Exports a bundle for ONNX Runtime; the result loads wherever a bundle does ({@code --model DIR}). */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export a classifier bundle to ONNX (one graph with the vocabulary, config and provenance beside it).")
    static final class Export extends ExportCommand {
        @Override
        void export(Path model, Path out) throws IOException {
            try (TextClassifier classifier = TextClassifier.load(model)) {
                if (classifier.backend() != TextClassifier.Backend.DJL) {
                    throw new CommandLine.ParameterException(new CommandLine(this),
                            model + " is already an ONNX export; give the bundle it was exported from");
                }
                classifier.export(out);
            }
        }
    }

    /** Writes the words of a labelled file's texts, without labels, as a classifier would read them. */
    @Command(name = "lm-text", mixinStandardHelpOptions = true,
            description = "Write the texts of a labelled file as the classifier reads them (one text per line, words separated by spaces, no labels): the text for a pretraining language model (bin/seqtk lm train --tokenizer WORDS).")
    static final class LmText implements Callable<Integer> {
        @Option(names = "--data-dir", description = "Data directory.")
        Path dataDir;
        @Option(names = "--input", required = true, description = "Labelled file.")
        String input;
        @Option(names = "--format", defaultValue = "AUTO", description = "AUTO, SPACE or TSV.")
        LabeledFiles.Format format;
        @Option(names = "--labels", split = ",", defaultValue = "0,1", description = "Declared labels (default: ${DEFAULT-VALUE}).")
        List<String> labels;
        @Option(names = "--config", description = "Sentiment config JSON whose text preparation to use.")
        Path config;
        @Option(names = "--hierarchical", description = "The hierarchical model's preparation (CoreNLP) when no --config is given.")
        boolean hierarchical;
        @Option(names = "--dev-fraction", description = "Leave out the held-out part that train --dev-fraction F uses as dev.")
        Double devFraction;
        @Option(names = "--split-seed", defaultValue = "42") long splitSeed;
        @Option(names = "--out", required = true, description = "Text file to write (atomically).")
        Path out;

        @Override
        public Integer call() throws Exception {
            System.out.println("wrote " + run() + " lines to " + out);
            return 0;
        }

        /** Writes the file; returns the number of lines. */
        int run() throws IOException {
            SentimentConfig c = config != null ? SentimentConfig.load(config)
                    : (hierarchical ? DocumentSentimentClassifier.builder() : SentimentClassifier.builder())
                            .setLabels(labels).build();
            List<LabeledText> examples = LabeledFiles.read(DataFiles.resolve(dataDir, input), format, c.labels());
            if (devFraction != null) {
                examples = TextClassifier.holdOut(examples, devFraction, splitSeed).get(0);
            }
            SentimentText text = SentimentText.of(c);
            List<String> lines = new ArrayList<>(examples.size());
            for (LabeledText e : examples) {
                String line = text.line(e.text());
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
            TextFiles.writeLines(out, lines);
            return lines.size();
        }
    }
}
