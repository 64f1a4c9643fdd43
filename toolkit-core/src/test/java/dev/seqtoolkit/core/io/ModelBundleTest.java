package dev.seqtoolkit.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ModelBundleTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    @TempDir Path dir;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Engines.newManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private SequentialBlock newBlock() {
        SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(5).build())
                .add(Activation::tanh)
                .add(Linear.builder().setUnits(3).build());
        block.initialize(manager, DataType.FLOAT32, new Shape(2, 7));
        return block;
    }

    private float[] forward(SequentialBlock block, NDArray x) {
        try (NDManager step = manager.newSubManager()) {
            step.tempAttachAll(new NDList(x));
            NDList out = block.forward(new ParameterStore(step, false), new NDList(x), false);
            return out.singletonOrThrow().toFloatArray();
        }
    }

    private Path save(SequentialBlock block, String name) throws IOException {
        ObjectNode config = MAPPER.createObjectNode().put("task", "test").put("hidden", 5);
        Path target = dir.resolve(name);
        ModelBundle.builder()
                .setConfig(config)
                .setBlock(block)
                .setProvenance(Provenance.builder().setConfig(config).addDataString("data").build())
                .addVocabulary("source", "{\"tokens\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8))
                .addVocabulary("target", out -> out.write("{\"tokens\":[\"x\"]}".getBytes(StandardCharsets.UTF_8)))
                .save(target);
        return target;
    }

    @Test
    void saveThenLoadGivesBitIdenticalOutputs() throws IOException {
        SequentialBlock block = newBlock();
        NDArray x = manager.randomNormal(new Shape(2, 7));
        float[] expected = forward(block, x);
        Path bundle = save(block, "model");

        ModelBundle loaded = ModelBundle.load(bundle);
        assertEquals("test", loaded.config().get("task").asText());
        assertEquals(List.of("source", "target"), loaded.vocabularyNames());
        assertEquals("{\"tokens\":[\"x\"]}", new String(loaded.vocabulary("target"), StandardCharsets.UTF_8));
        assertEquals(Engines.configuredName(), loaded.provenance().engine());
        assertEquals(ModelBundle.FORMAT_VERSION, loaded.manifest().formatVersion());

        SequentialBlock other = newBlock();
        assertFalse(java.util.Arrays.equals(expected, forward(other, x)), "fresh block should differ before loading");
        loaded.loadParameters(other, manager);
        assertArrayEquals(expected, forward(other, x), 0f);
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path bundle = save(newBlock(), "m");
        Files.delete(bundle.resolve("vocab-source.json"));
        assertLoadFails(bundle, "vocab-source.json", "missing");
    }

    @Test
    void truncatedFileIsNamed() throws IOException {
        Path bundle = save(newBlock(), "m");
        Path params = bundle.resolve(ModelBundle.PARAMETERS);
        byte[] bytes = Files.readAllBytes(params);
        Files.write(params, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertLoadFails(bundle, "parameters.bin", "truncated");
    }

    @Test
    void modifiedFileIsNamed() throws IOException {
        Path bundle = save(newBlock(), "m");
        Path params = bundle.resolve(ModelBundle.PARAMETERS);
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(params, bytes);
        assertLoadFails(bundle, "parameters.bin", "modified");
    }

    @Test
    void foreignDirectoriesAreRejected() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertLoadFails(empty, "manifest.json", "missing");
        Path other = Files.createDirectory(dir.resolve("other"));
        Files.writeString(other.resolve("manifest.json"), "{\"format\":\"someone-elses-model\",\"formatVersion\":1}");
        assertLoadFails(other, "manifest.json", "someone-elses-model");
        Files.writeString(other.resolve("manifest.json"), "not json at all");
        assertLoadFails(other, "manifest.json", "invalid JSON");
    }

    @Test
    void newerFormatVersionIsRejected() throws IOException {
        Path bundle = save(newBlock(), "m");
        Path manifest = bundle.resolve(ModelBundle.MANIFEST);
        ObjectNode tree = (ObjectNode) MAPPER.readTree(manifest.toFile());
        tree.put("formatVersion", ModelBundle.FORMAT_VERSION + 1);
        Files.write(manifest, MAPPER.writeValueAsBytes(tree));
        assertLoadFails(bundle, "manifest.json", "newer");
    }

    @Test
    void failedSaveKeepsThePreviousBundle() throws IOException {
        SequentialBlock block = newBlock();
        Path bundle = save(block, "m");
        String manifestBefore = Files.readString(bundle.resolve(ModelBundle.MANIFEST));
        JsonNode config = MAPPER.createObjectNode();
        IOException e = assertThrows(IOException.class, () -> ModelBundle.builder()
                .setConfig(config)
                .setBlock(block)
                .setProvenance(Provenance.builder().setConfig(config).build())
                .addVocabulary("source", out -> {
                    throw new IOException("vocabulary writer failed (simulated)");
                })
                .save(bundle));
        assertTrue(e.getMessage().contains("simulated"));
        assertEquals(manifestBefore, Files.readString(bundle.resolve(ModelBundle.MANIFEST)));
        ModelBundle.load(bundle);
        try (var entries = Files.list(dir)) {
            assertEquals(List.of(bundle), entries.toList(), "temporary directories left behind");
        }
        // a successful save replaces it
        save(block, "m");
        ModelBundle.load(bundle);
    }

    @Test
    void refusesToOverwriteADirectoryThatIsNotABundle() throws IOException {
        Path precious = Files.createDirectory(dir.resolve("precious"));
        Files.writeString(precious.resolve("thesis.tex"), "years of work");
        IOException e = assertThrows(IOException.class, () -> save(newBlock(), "precious"));
        assertTrue(e.getMessage().contains("not a model bundle"), e.getMessage());
        assertEquals("years of work", Files.readString(precious.resolve("thesis.tex")));
    }

    private static void assertLoadFails(Path bundle, String file, String problem) {
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(bundle));
        assertTrue(e.getMessage().contains(file), "message should name " + file + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(problem), "message should say " + problem + ": " + e.getMessage());
    }
}
