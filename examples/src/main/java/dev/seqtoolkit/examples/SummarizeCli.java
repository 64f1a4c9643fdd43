package dev.seqtoolkit.examples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.data.DataDirectory;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.io.RunInfo;
import dev.seqtoolkit.summarize.Baselines;
import dev.seqtoolkit.summarize.DocumentFormat;
import dev.seqtoolkit.summarize.SummaryData;
import dev.seqtoolkit.summarize.SummaryDataset;
import dev.seqtoolkit.summarize.SummaryEvaluation;
import dev.seqtoolkit.summarize.SummaryExample;
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
        })
public final class SummarizeCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new SummarizeCli()).execute(args));
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
            SummaryEvaluation ev = SummaryEvaluation.evaluate(candidates, references);
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
}
