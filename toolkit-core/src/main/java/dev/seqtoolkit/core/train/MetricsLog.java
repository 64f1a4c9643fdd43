package dev.seqtoolkit.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends one JSON object per line to {@code metrics.jsonl}: {@code type} ("step" or "epoch"),
 * {@code step}, {@code epoch}, {@code trainLoss}, {@code dev} (epoch lines), {@code learningRate},
 * {@code unitsPerSecond}, {@code elapsedSeconds}.
 */
final class MetricsLog {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path file;

    MetricsLog(Path file) {
        this.file = file;
    }

    ObjectNode newLine(String type) {
        return MAPPER.createObjectNode().put("type", type);
    }

    /** Appends a line with one write call so that a crash leaves at most one partial last line. */
    void append(ObjectNode line) throws IOException {
        byte[] bytes = (MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * On resume: keeps only lines up to and including {@code step} (the checkpoint's), dropping lines
     * of the steps that will be replayed and any partial line; rewritten atomically.
     */
    void truncateAfter(long step) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        StringBuilder kept = new StringBuilder();
        for (String line : lines) {
            JsonNode node;
            try {
                node = MAPPER.readTree(line);
            } catch (IOException e) {
                continue; // partial line from a crash
            }
            if (node != null && node.path("step").asLong(Long.MAX_VALUE) <= step) {
                kept.append(line).append('\n');
            }
        }
        AtomicFiles.writeString(file, kept.toString());
    }
}
