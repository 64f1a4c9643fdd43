package dev.seqtoolkit.examples;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The {@code export} subcommand of every task program: reads a model bundle, writes its ONNX export
 * (which the program's other subcommands then accept as {@code --model}) and says where. A task
 * supplies {@link #export}.
 */
abstract class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Bundle directory (DJL form).")
    Path model;
    @Option(names = "--out", required = true,
            description = "Export directory to write (replaced only if it is an earlier export).")
    Path out;

    /** Loads the bundle at {@code model} and writes its export to {@code out}. */
    abstract void export(Path model, Path out) throws IOException;

    @Override
    public Integer call() throws Exception {
        run(System.out);
        return 0;
    }

    /** Writes the export, prints where; returns the export directory. */
    Path run(PrintStream stdout) throws IOException {
        export(model, out);
        stdout.println("exported " + model + " to " + out);
        return out;
    }
}
