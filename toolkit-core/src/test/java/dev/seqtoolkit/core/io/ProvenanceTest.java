package dev.seqtoolkit.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

class ProvenanceTest {
    @TempDir Path dir;

    @Test
    void roundTripsThroughJsonAndHashesData() throws IOException {
        Path data = Files.writeString(dir.resolve("train.txt"), "a b c\n");
        JsonNode config = new ObjectMapper().readTree("{\"hidden\":7}");
        Provenance p = Provenance.builder()
                .setConfig(config)
                .addDataFile(data)
                .addDataString("dev set")
                .optCreated(Instant.parse("2025-01-02T03:04:05Z"))
                .addExtra("note", "test")
                .build();
        assertEquals(Engines.configuredName(), p.engine());
        assertEquals("2025-01-02T03:04:05Z", p.created());
        assertEquals(64, p.dataHash().length());
        assertNotEquals("unknown", Provenance.toolkitVersion(), "version resource is not filtered");
        assertEquals(p, Provenance.fromJson(p.toJson(), "test"));

        // the hash depends on content and order
        String same = Provenance.builder().setConfig(config).addDataFile(data).addDataString("dev set").build().dataHash();
        String swapped = Provenance.builder().setConfig(config).addDataString("dev set").addDataFile(data).build().dataHash();
        Files.writeString(data, "a b d\n");
        String changed = Provenance.builder().setConfig(config).addDataFile(data).addDataString("dev set").build().dataHash();
        assertEquals(p.dataHash(), same);
        assertNotEquals(p.dataHash(), swapped);
        assertNotEquals(p.dataHash(), changed);
    }

    @Test
    void rejectsUnknownFieldsAndBadDates() {
        String json = "{\"toolkitVersion\":\"1\",\"engine\":\"PyTorch\",\"dataHash\":\"none\",\"created\":\"2025-01-01T00:00:00Z\","
                + "\"config\":{},\"extras\":{},\"colour\":\"red\"}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Provenance.fromJson(json.getBytes(StandardCharsets.UTF_8), "p.json"));
        assertTrue(e.getMessage().contains("colour") && e.getMessage().contains("p.json"), e.getMessage());
        String badDate = json.replace(",\"colour\":\"red\"", "").replace("2025-01-01T00:00:00Z", "yesterday");
        e = assertThrows(IllegalArgumentException.class,
                () -> Provenance.fromJson(badDate.getBytes(StandardCharsets.UTF_8), "p.json"));
        assertTrue(e.getMessage().contains("yesterday"), e.getMessage());
    }

    @Test
    void missingDataFileIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Provenance.builder().addDataFile(dir.resolve("nope.txt")));
        assertTrue(e.getMessage().contains("nope.txt"), e.getMessage());
    }
}
