package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.text.TextFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads labelled text files (strict UTF-8, optionally gzip) with one example per line:
 * <ul>
 *   <li>{@link Format#SPACE}: {@code <label> <text>}, split at the first space (SST-2's {@code stsa.binary.*});
 *   <li>{@link Format#TSV}: {@code <label>\t<text>}, split at the first tab (the IMDB {@code train.tsv.gz}).
 * </ul>
 * {@link Format#AUTO} picks TSV when the file name contains {@code .tsv}, else SPACE. A label not in
 * the declared set, or a line without a separator, fails with an {@link IOException} naming the file,
 * the line, the value and the declared labels. Blank lines are skipped; an empty text after the label
 * is kept.
 */
public final class LabeledFiles {

    /** Line formats. */
    public enum Format { AUTO, SPACE, TSV }

    private LabeledFiles() {}

    /**
     * Reads every example of {@code file}.
     *
     * @param labels the declared labels
     */
    public static List<LabeledText> read(Path file, Format format, List<String> labels) throws IOException {
        Format f = format != Format.AUTO ? format
                : file.getFileName().toString().toLowerCase(Locale.ROOT).contains(".tsv") ? Format.TSV : Format.SPACE;
        char separator = f == Format.TSV ? '\t' : ' ';
        Set<String> declared = Set.copyOf(labels);
        List<LabeledText> out = new ArrayList<>();
        TextFiles.forEachLine(file, (number, line) -> {
            if (line.isBlank()) {
                return;
            }
            int cut = line.indexOf(separator);
            String label = cut < 0 ? line.strip() : line.substring(0, cut);
            if (cut < 0) {
                throw new IOException(file + ":" + number + ": no " + (f == Format.TSV ? "tab" : "space")
                        + " after the label in \"" + abbreviate(line) + "\" (format " + f + ": label, separator, text)");
            }
            if (!declared.contains(label)) {
                throw new IOException(file + ":" + number + ": label \"" + abbreviate(label)
                        + "\" is not in the declared label set " + labels);
            }
            out.add(new LabeledText(line.substring(cut + 1), label, file + ":" + number));
        });
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
