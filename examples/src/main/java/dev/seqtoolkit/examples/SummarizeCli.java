package dev.seqtoolkit.examples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.data.DataDirectory;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.io.RunInfo;
import dev.seqtoolkit.summarize.Baselines;
import dev.seqtoolkit.summarize.DocumentFormat;
import dev.seqtoolkit.summarize.SummaryData;
import dev.seqtoolkit.summarize.SummaryDataset;
import dev.seqtoolkit.summarize.SummaryEvaluation;
import dev.seqtoolkit.summarize.SummaryExample;
import dev.seqtoolkit.summarize.Summarizer;
import dev.seqtoolkit.summarize.SummarizerConfig;
import dev.seqtoolkit.summarize.Summary;
import dev.seqtoolkit.summarize.SummaryLength;
import dev.seqtoolkit.summarize.TrainingOptions;
import dev.seqtoolkit.core.text.TextFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The example summarization program.
 *
 * <pre>
 * summarize baseline --dataset samsum --method lead -n 3 --result benchmarks/results/samsum-lead3-validation.json
 * summarize baseline --dataset cnndm --split val --method lead -n 3
 * summarize baseline --dataset gigaword --split rush_valid_first1k --method first-words -n 8 --limit 100
 * summarize train --config examples/configs/cnndm-summarunner.json --dataset cnndm --train-limit 20000 --out models/cnndm-ext
 * summarize evaluate --model models/cnndm-ext --dataset cnndm --lead 3 --result benchmarks/results/cnndm-summarunner-val.json
 * summarize summarize --model models/cnndm-ext --input article.txt
 * summarize export --model models/samsum-pg --out models/samsum-pg-onnx
 * </pre>
 * Datasets and splits are those of {@link SummaryDataset} (files under the data directory); the
 * default split is the dataset's development split. Each subcommand's work is a method returning
 * its result, so tests run it without a process. A new subcommand is one more entry in {@code
 * subcommands}; {@link DatasetOptions} and {@link #record} give it the shared dataset options and
 * the common result-record fields.
 */
@Command(name = "summarize", mixinStandardHelpOptions = true,
        description = "Summarization baselines, training, summarizing and evaluation on SAMSum, CNN/DailyMail and Gigaword.",
        subcommands = {
            SummarizeCli.Baseline.class,
            SummarizeCli.Train.class,
            SummarizeCli.Evaluate.class,
            SummarizeCli.Summarize.class,
            SummarizeCli.Export.class,
        })
public final class SummarizeCli {

    public static void main(String[] args) {
        System.exit(Programs.commandLine(new SummarizeCli()).execute(args));
    }

    /** Options that name a dataset split; mix into any subcommand that reads one ({@code @Mixin}). */
    static final class DatasetOptions {
        @Option(names = "--dataset", required = true, description = "samsum, cnndm or gigaword.")
        String dataset;
        @Option(names = "--split", description = "Split name (default: the dataset's development split: "
                + "samsum validation, cnndm val, gigaword rush_valid_first1k).")
        String split;
        @Option(names = "--data-dir", description = "Data directory (default: -Dtoolkit.data, $TOOLKIT_DATA or ../shared/datasets).")
        Path dataDir;
        @Option(names = "--limit", description = "Use only the first N examples of the split.")
        Integer limit;
        @Option(names = "--keep-overlap", description = "SAMSum train: keep the 93 rows whose dialogue reappears in "
                + "validation/test (dropped by default, as the dataset's README says).")
        boolean keepOverlap;

        /** A split as read: the dataset, the split name, the files and the (limited) examples. */
        record Loaded(SummaryDataset dataset, String split, List<Path> files, SummaryData.ReadResult read,
                List<SummaryExample> examples) {}

        /** Reads the split and applies {@code --limit}. */
        Loaded load() throws IOException {
            SummaryDataset d = SummaryDataset.of(dataset);
            String s = split != null ? split : d.devSplit();
            DataDirectory data = dataDir != null ? DataDirectory.of(dataDir) : DataDirectory.resolve();
            List<Path> files = d.files(data, s);
            SummaryData.ReadResult read = d.read(data, s, !keepOverlap);
            List<SummaryExample> examples = read.examples();
            if (limit != null) {
                if (limit < 1) {
                    throw new IllegalArgumentException("--limit must be >= 1 but was " + limit);
                }
                examples = examples.subList(0, Math.min(limit, examples.size()));
            }
            if (examples.isEmpty()) {
                throw new IllegalArgumentException("no examples in " + files);
            }
            return new Loaded(d, s, files, read, examples);
        }

        /** Adds the dataset, split, files and example counts to a result record. */
        static void describe(ObjectNode node, Loaded loaded, Integer limit) {
            node.put("dataset", loaded.dataset().id());
            node.put("split", loaded.split());
            ArrayNode files = node.putArray("files");
            loaded.files().forEach(f -> files.add(f.toString()));
            node.put("rows_read", loaded.read().rowsRead());
            node.put("rows_excluded_overlap", loaded.read().excluded());
            node.put("rows_duplicate_dropped", loaded.read().duplicates());
            if (limit != null) {
                node.put("limit", limit);
            }
            node.put("examples", loaded.examples().size());
        }
    }

    /**
     * The fields every summarization result record starts with: command (as typed after {@code
     * bin/seqtk summarize}, arguments shell-quoted where needed), commit, date and machine ({@link
     * RunInfo}).
     */
    static ObjectNode record(CommandLine.Model.CommandSpec spec) {
        List<String> args = spec == null ? List.of() : spec.commandLine().getParseResult().originalArgs();
        List<String> words = new ArrayList<>();
        words.add("bin/seqtk summarize");
        if (spec != null && (args.isEmpty() || !args.get(0).equals(spec.name()))) {
            words.add(spec.name()); // parsed without the top-level command (as tests do)
        }
        for (String a : args) {
            words.add(shellQuoted(a));
        }
        return RunInfo.describe(String.join(" ", words));
    }

    /** An argument as a POSIX shell needs it typed: single-quoted unless it is plain. */
    static String shellQuoted(String arg) {
        if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** Scores an extractive baseline on a dataset split. */
    @Command(name = "baseline", mixinStandardHelpOptions = true,
            description = "Score Lead-n (first n sentences; first n turns of a dialogue) or first-n-words against the references.")
    static final class Baseline implements Callable<Integer> {
        @Mixin
        DatasetOptions data = new DatasetOptions();
        @Option(names = "--method", defaultValue = "lead", description = "lead or first-words (default: ${DEFAULT-VALUE}).")
        String method;
        @Option(names = "-n", description = "Sentences (lead, default 3) or words (first-words, default 8).")
        Integer n;
        @Option(names = "--result", description = "Write the result record (JSON) to this file.")
        Path result;
        @Option(names = "--note", description = "Free text stored in the result record.")
        String note;
        @Option(names = "--show", defaultValue = "0", description = "Print the first K candidate summaries.")
        int show;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            run(System.out);
            return 0;
        }

        /** Runs the baseline, prints the scores, writes the record if asked; returns the record. */
        ObjectNode run(PrintStream stdout) throws IOException {
            boolean lead = switch (method) {
                case "lead" -> true;
                case "first-words" -> false;
                default -> throw new CommandLine.ParameterException(spec == null ? new CommandLine(this) : spec.commandLine(),
                        "--method must be lead or first-words, not '" + method + "'");
            };
            int count = n != null ? n : lead ? 3 : 8;
            DatasetOptions.Loaded loaded = data.load();
            long start = System.nanoTime();
            List<String> candidates = new ArrayList<>(loaded.examples().size());
            List<String> references = new ArrayList<>(loaded.examples().size());
            for (SummaryExample e : loaded.examples()) {
                candidates.add(lead ? Baselines.lead(e.document(), loaded.dataset().format(), count)
                        : Baselines.firstWords(e.document(), count));
                references.add(e.summary());
            }
            SummaryEvaluation ev = SummaryEvaluation.evaluateSentences(candidates, references);
            double seconds = (System.nanoTime() - start) / 1e9;
            for (int i = 0; i < Math.min(show, candidates.size()); i++) {
                stdout.println("--- " + loaded.examples().get(i).id() + "\n" + candidates.get(i) + "\n  [reference] "
                        + references.get(i).replace("\n", "\n  [reference] "));
            }
            String name = (lead ? "lead-" : "first-") + count + (lead ? "" : "-words");
            stdout.printf(Locale.ROOT, "%s on %s %s: %s (%.1f s)%n", name, loaded.dataset().id(), loaded.split(), ev, seconds);

            ObjectNode node = record(spec);
            node.put("engine", "none (extractive baseline, no neural network)");
            DatasetOptions.describe(node, loaded, data.limit);
            node.put("method", method);
            node.put("n", count);
            node.put("baseline", name + (lead ? " (first " + count + " "
                    + (loaded.dataset().format() == DocumentFormat.DIALOGUE ? "turns" : "sentences")
                    + ", one per line)" : " (first " + count + " whitespace tokens)"));
            node.setAll(ev.toJson());
            node.put("seconds", seconds);
            if (note != null) {
                node.put("note", note);
            }
            if (result != null) {
                AtomicFiles.writeJson(result, node);
                stdout.println("wrote " + result);
            }
            return node;
        }
    }

    /** Trains a summarizer (the mode its config names) on a dataset's training split with a dev split. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a summarizer with a dev set and early stopping, and save it.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "Summarizer config JSON ({\"mode\": ..., \"extractive\": {...}}).")
        Path config;
        @Option(names = "--dataset", required = true, description = "samsum, cnndm or gigaword.")
        String dataset;
        @Option(names = "--data-dir", description = "Data directory (default: -Dtoolkit.data, $TOOLKIT_DATA or ../shared/datasets).")
        Path dataDir;
        @Option(names = "--train-split", description = "Training split (default: train; gigaword: rush_train_first10k).")
        String trainSplit;
        @Option(names = "--dev-split", description = "Dev split for early stopping (default: the dataset's development split).")
        String devSplit;
        @Option(names = "--train-limit", description = "Use only the first N training examples.")
        Integer trainLimit;
        @Option(names = "--dev-limit", defaultValue = "500", description = "Use only the first N dev examples (default: ${DEFAULT-VALUE}).")
        int devLimit;
        @Option(names = "--out", required = true, description = "Bundle directory to write.")
        Path out;
        @Option(names = "--run-dir", description = "Directory for checkpoints, metrics.jsonl and the loss plot.")
        Path runDir;
        @Option(names = "--resume", description = "Continue the run in --run-dir from its last checkpoint (same config and data).")
        boolean resume;
        @Option(names = "--no-progress", description = "No progress bar.")
        boolean noProgress;
        @Option(names = "--result", description = "Write a training record (JSON) to this file.")
        Path result;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            run(System.out);
            return 0;
        }

        ObjectNode run(PrintStream stdout) throws IOException {
            SummaryDataset d = SummaryDataset.of(dataset);
            DataDirectory data = dataDir != null ? DataDirectory.of(dataDir) : DataDirectory.resolve();
            String trainName = trainSplit != null ? trainSplit : d == SummaryDataset.GIGAWORD ? "rush_train_first10k" : "train";
            String devName = devSplit != null ? devSplit : d.devSplit();
            List<SummaryExample> train = limited(d.read(data, trainName, true).examples(), trainLimit, "--train-limit");
            List<SummaryExample> dev = limited(d.read(data, devName, true).examples(), devLimit, "--dev-limit");
            SummarizerConfig c = SummarizerConfig.load(config);
            TrainingOptions options = TrainingOptions.builder().optRunDirectory(runDir).optProgressBar(!noProgress)
                    .optResume(resume).build();
            long start = System.nanoTime();
            try (Summarizer summarizer = Summarizer.train(c, train, dev, options)) {
                double seconds = (System.nanoTime() - start) / 1e9;
                summarizer.save(out);
                stdout.printf(Locale.ROOT, "trained a %s summarizer on %d %s %s examples (dev: %d of %s) in %.0f s; saved %s%n",
                        c.mode(), train.size(), d.id(), trainName, dev.size(), devName, seconds, out);
                ObjectNode node = record(spec);
                node.put("engine", Engines.configuredName());
                node.put("dataset", d.id());
                node.put("split", trainName);
                node.put("dev_split", devName);
                node.put("train_examples", train.size());
                node.put("dev_examples", dev.size());
                node.put("training_seconds", seconds);
                node.set("config", c.toJsonTree());
                if (result != null) {
                    AtomicFiles.writeJson(result, node);
                    stdout.println("wrote " + result);
                }
                return node;
            }
        }

        private static List<SummaryExample> limited(List<SummaryExample> examples, Integer limit, String option) {
            if (limit == null) {
                return examples;
            }
            if (limit < 1) {
                throw new IllegalArgumentException(option + " must be >= 1 but was " + limit);
            }
            return examples.subList(0, Math.min(limit, examples.size()));
        }
    }

    /** Scores a trained summarizer on a dataset split, with the Lead-n baseline beside it in the same run. */
    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "ROUGE-1/2/L and the repeated-trigram rate of a summarizer on a dataset split, with Lead-n beside it.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "Summarizer bundle directory.")
        Path model;
        @Mixin
        DatasetOptions data = new DatasetOptions();
        @Option(names = "--sentences", description = "Summary length in sentences (default: the model's).")
        Integer sentences;
        @Option(names = "--words", description = "Summary length budget in words instead of sentences.")
        Integer words;
        @Option(names = "--lead", defaultValue = "3", description = "Score Lead-n beside the model on the same examples; 0 skips it (default: ${DEFAULT-VALUE}).")
        int lead;
        @Option(names = "--min-tokens", description = "Abstractive models: generate at least this many tokens (overrides the config's decoding minLength).")
        Integer minTokens;
        @Option(names = "--skip", defaultValue = "0", description = "Leave out the first N examples of the split (e.g. the ones a decoding setting was chosen on).")
        int skip;
        @Option(names = "--result", description = "Write the result record (JSON) to this file.")
        Path result;
        @CommandLine.Mixin
        OrtOptions ort = new OrtOptions();
        @Option(names = "--candidates", description = "Write every example's id, candidate and reference to this file, one JSON object per line.")
        Path candidatesFile;
        @Option(names = "--note", description = "Free text stored in the result record.")
        String note;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            run(System.out);
            return 0;
        }

        ObjectNode run(PrintStream stdout) throws IOException {
            SummaryLength length = length(sentences, words);
            DatasetOptions.Loaded loaded = data.load();
            if (skip < 0 || skip >= loaded.examples().size()) {
                throw new IllegalArgumentException("--skip must be in [0, " + loaded.examples().size() + "), got " + skip);
            }
            List<SummaryExample> examples = loaded.examples().subList(skip, loaded.examples().size());
            List<String> documents = new ArrayList<>();
            List<String> references = new ArrayList<>();
            for (SummaryExample e : examples) {
                documents.add(e.document());
                references.add(e.summary());
            }
            ObjectNode node = record(spec);
            try (Summarizer summarizer = Summarizer.load(model,
                    ort.options())) {
                long start = System.nanoTime();
                List<Summary> summaries = minTokens == null ? summarizer.summarize(documents, length)
                        : withMinimum(summarizer, documents, length, minTokens);
                double seconds = (System.nanoTime() - start) / 1e9;
                List<String> candidates = new ArrayList<>();
                int truncated = 0;
                for (Summary s : summaries) {
                    candidates.add(s.text());
                    truncated += s.truncated() ? 1 : 0;
                }
                SummaryEvaluation ev = SummaryEvaluation.evaluateSentences(candidates, references);
                if (candidatesFile != null) {
                    writeCandidates(candidatesFile, examples, candidates);
                    stdout.println("wrote " + candidatesFile);
                }
                stdout.printf(Locale.ROOT, "%s %s on %s %s: %s (%.1f documents/s; %d truncated)%n",
                        summarizer.config().mode(), model, loaded.dataset().id(), loaded.split(), ev,
                        documents.size() / seconds, truncated);
                node.put("engine", Engines.configuredName());
                node.put("model", model.toString());
                node.put("mode", summarizer.config().mode().name());
                DatasetOptions.describe(node, loaded, data.limit);
                if (skip > 0) {
                    node.put("skipped_first", skip);
                    node.put("examples", documents.size());
                }
                node.put("length", length.toString());
                if (minTokens != null) {
                    node.put("min_tokens", minTokens);
                }
                node.setAll(ev.toJson());
                node.put("documents_per_s", documents.size() / seconds);
                node.put("truncated_documents", truncated);
            }
            if (lead > 0) {
                List<String> baseline = new ArrayList<>();
                for (String doc : documents) {
                    baseline.add(Baselines.lead(doc, loaded.dataset().format(), lead));
                }
                SummaryEvaluation ev = SummaryEvaluation.evaluateSentences(baseline, references);
                stdout.printf(Locale.ROOT, "lead-%d on the same examples: %s%n", lead, ev);
                node.set("lead" + lead, ev.toJson());
            }
            if (note != null) {
                node.put("note", note);
            }
            if (result != null) {
                AtomicFiles.writeJson(result, node);
                stdout.println("wrote " + result);
            }
            return node;
        }
    }

    /** {@code {"id", "candidate", "reference"}} per line, in the examples' order, written atomically. */
    static void writeCandidates(Path file, List<SummaryExample> examples, List<String> candidates) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < examples.size(); i++) {
            lines.append(json.createObjectNode().put("id", examples.get(i).id()).put("candidate", candidates.get(i))
                    .put("reference", examples.get(i).summary())).append('\n');
        }
        AtomicFiles.write(file, lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The summary length that {@code --sentences} or {@code --words} asks for (at most one of them). */
    static SummaryLength length(Integer sentences, Integer words) {
        if (sentences != null && words != null) {
            throw new IllegalArgumentException("give --sentences or --words, not both");
        }
        return sentences != null ? SummaryLength.sentences(sentences)
                : words != null ? SummaryLength.words(words) : SummaryLength.defaults();
    }

    /** Abstractive summaries with a minimum length in tokens (and the length's maximum, if in words). */
    static List<Summary> withMinimum(Summarizer summarizer, List<String> documents, SummaryLength length, int minTokens) {
        var abstractive = summarizer.abstractive().orElseThrow(() -> new IllegalArgumentException(
                "--min-tokens applies to abstractive models; this one is " + summarizer.config().mode()));
        var options = abstractive.config().decoding();
        int max = length.kind() == SummaryLength.Kind.WORDS ? length.value() : options.maxLength();
        if (minTokens < 0 || minTokens > max) {
            throw new IllegalArgumentException("--min-tokens must be in [0, " + max + "], got " + minTokens);
        }
        List<Summary> out = new ArrayList<>();
        for (String text : abstractive.summarize(documents, options.withLengths(minTokens, max))) {
            out.add(new Summary(text.isBlank() ? List.of() : List.of(text.strip()), 0, 0));
        }
        return out;
    }

    /** Summarizes documents given as arguments, or one document read from a file or standard input. */
    @Command(name = "summarize", mixinStandardHelpOptions = true,
            description = "Summarize each argument, or the whole of --input FILE, or all of standard input, as one document each.")
    static final class Summarize implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "Summarizer bundle directory.")
        Path model;
        @Option(names = "--input", description = "A UTF-8 file holding one document.")
        Path input;
        @Option(names = "--sentences", description = "Summary length in sentences (default: the model's).")
        Integer sentences;
        @Option(names = "--words", description = "Summary length budget in words instead of sentences.")
        Integer words;
        @CommandLine.Mixin
        OrtOptions ort = new OrtOptions();
        @CommandLine.Parameters(arity = "0..*", description = "Documents to summarize.")
        List<String> documents = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            SummaryLength length = length(sentences, words);
            List<String> docs = new ArrayList<>(documents);
            if (input != null) {
                docs.add(TextFiles.readString(input));
            }
            if (docs.isEmpty()) {
                docs.add(new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
            try (Summarizer summarizer = Summarizer.load(model,
                    ort.options())) {
                for (Summary s : summarizer.summarize(docs, length)) {
                    System.out.println(s.text());
                    if (s.truncated()) {
                        System.err.println("(the document was longer than the model reads: " + s.droppedSentences()
                                + " sentences and " + s.droppedWords() + " words were not considered)");
                    }
                    System.out.println();
                }
            }
            return 0;
        }
    }

    /** Exports an abstractive summarizer to ONNX; {@code evaluate} and {@code summarize} read the export as a model. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export an abstractive summarizer (copy and coverage included) to ONNX; the other subcommands' "
                    + "--model then accepts the export and runs it in ONNX Runtime.")
    static final class Export extends ExportCommand {
        @Override
        void export(Path model, Path out) throws IOException {
            try (Summarizer summarizer = Summarizer.load(model)) {
                summarizer.exportOnnx(out);
            }
        }
    }
}
