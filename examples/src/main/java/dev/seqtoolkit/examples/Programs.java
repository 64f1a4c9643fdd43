package dev.seqtoolkit.examples;

import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * What the four programs share at their entry point: bad input (a missing or corrupt file, a value
 * out of range, an operation a model does not support) ends with one line naming the problem and
 * exit code 2, not a stack trace; anything else is a bug and prints its stack trace (exit code 1).
 * {@code -Dtoolkit.debug=true} prints the stack trace in every case.
 */
final class Programs {
    static final int BAD_INPUT = 2;

    private Programs() {}

    /** A command line for {@code program} with the toolkit's error handling. */
    static CommandLine commandLine(Object program) {
        CommandLine cli = new CommandLine(program);
        cli.setExecutionExceptionHandler((e, command, parseResult) -> {
            PrintWriter err = command.getErr();
            if (!isBadInput(e) || Boolean.getBoolean("toolkit.debug")) {
                e.printStackTrace(err);
                err.flush();
                return isBadInput(e) ? BAD_INPUT : 1;
            }
            err.println(command.getCommandName() + ": " + describe(e));
            err.flush();
            return BAD_INPUT;
        });
        return cli;
    }

    static boolean isBadInput(Throwable e) {
        return e instanceof IOException || e instanceof UncheckedIOException || e instanceof IllegalArgumentException
                || e instanceof UnsupportedOperationException;
    }

    /** The message, with the causes' messages where they add something. */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !b.toString().contains(c.getMessage())) {
                b.append(" (").append(c.getMessage()).append(')');
            }
        }
        return b.toString();
    }
}
