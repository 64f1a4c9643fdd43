package dev.seqtoolkit.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Every way an export's config file can be wrong fails naming the file and the problem. */
class ExportConfigTest {
    @TempDir Path dir;

    @Test
    void readsAMatchingFileAndRefusesTheRest() throws IOException {
        Path file = dir.resolve("thing.json");
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> ExportConfig.read(file, "fmt", 1, "thing"));
        assertTrue(missing.getMessage().contains("thing.json") && missing.getReason().contains("not an ONNX thing export"));

        Files.writeString(file, "{\"format\": \"fmt\", \"version\": 1, \"task\": \"t\"}");
        assertEquals("t", ExportConfig.read(file, "fmt", 1, "thing").path("task").asText());

        Files.writeString(file, "{\"format\": ");
        BundleException json = assertThrows(BundleException.class, () -> ExportConfig.read(file, "fmt", 1, "thing"));
        assertTrue(json.getMessage().contains(file.toString()) && json.getMessage().contains("not valid JSON"), json.getMessage());

        Files.writeString(file, "{\"format\": \"other\", \"version\": 1}");
        BundleException format = assertThrows(BundleException.class, () -> ExportConfig.read(file, "fmt", 1, "thing"));
        assertTrue(format.getMessage().contains("format 'other', expected 'fmt'"), format.getMessage());

        Files.writeString(file, "{\"format\": \"fmt\", \"version\": 3}");
        BundleException newer = assertThrows(BundleException.class, () -> ExportConfig.read(file, "fmt", 1, "thing"));
        assertTrue(newer.getMessage().contains("export version 3") && newer.getMessage().contains("newer"),
                newer.getMessage());
    }
}
