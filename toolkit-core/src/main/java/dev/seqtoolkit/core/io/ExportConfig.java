package dev.seqtoolkit.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.text.TextFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The JSON file that sits beside a task's ONNX graphs and says what the export is:
 * {@code {"format": ..., "version": ..., ...}}. Every task's export is read through here, so a missing
 * file, bad JSON, a foreign format and a newer version fail the same way, naming the file.
 */
public final class ExportConfig {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExportConfig() {}

    /**
     * Reads and checks {@code file}.
     *
     * @param format the expected {@code "format"}
     * @param version the {@code "version"} this toolkit reads
     * @param what the export's kind for messages, e.g. "classifier"
     * @return the whole JSON tree
     * @throws NoSuchFileException if there is no such file ("not an ONNX {what} export")
     * @throws BundleException naming the file: not JSON, another format, another version
     */
    public static JsonNode read(Path file, String format, int version, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    "not an ONNX " + what + " export (no " + file.getFileName() + ")");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(TextFiles.readString(file));
        } catch (JsonProcessingException e) {
            throw new BundleException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!format.equals(tree.path("format").asText())) {
            throw new BundleException(file + ": not an ONNX " + what + " export (format '"
                    + tree.path("format").asText() + "', expected '" + format + "')");
        }
        int found = tree.path("version").asInt(-1);
        if (found != version) {
            throw new BundleException(file + ": export version " + tree.path("version") + "; this toolkit reads "
                    + "version " + version + (found > version ? " (the export is newer)" : ""));
        }
        return tree;
    }
}
