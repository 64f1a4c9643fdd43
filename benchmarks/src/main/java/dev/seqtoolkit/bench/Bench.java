package dev.seqtoolkit.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Speed benchmarks with the peer's shapes; each prints JSON lines with the peer's field names. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Speed benchmarks against the PyTorch peer (../shared/peers).",
        subcommands = {CharLmBenchmark.class, Seq2SeqBenchmark.class, ClassifierBenchmark.class,
                CoreNlpSentimentBenchmark.class})
public final class Bench {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }
}
