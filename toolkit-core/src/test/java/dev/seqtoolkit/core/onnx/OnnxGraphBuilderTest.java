package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static dev.seqtoolkit.core.onnx.OnnxTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class OnnxGraphBuilderTest {
    @TempDir
    Path dir;

    private static OnnxGraphBuilder affine() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("affine");
        g.addInput("x", DataType.FLOAT, OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim(3));
        g.addOutput("y", DataType.FLOAT, OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim(2));
        String w = g.addInitializer("w", new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        String b = g.addInitializer("b", new float[] {0.5f, -1}, 2);
        String xw = g.node("MatMul").inputs("x", w).freshOutputs(1).addSingle();
        g.node("Add").inputs(xw, b).outputs("y").add();
        return g.putMetadata("seqtoolkit.provenance", "{\"data\":\"none\"}").optProducer("test", "1");
    }

    @Test
    void modelHasVersionsMetadataAndSymbolicDims() {
        OnnxMl.ModelProto m = affine().toModel();
        assertEquals(8, m.getIrVersion());
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals("test", m.getProducerName());
        assertEquals("seqtoolkit.provenance", m.getMetadataProps(0).getKey());
        assertEquals("batch", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(3, m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
    }

    @Test
    void computesWhatItSays() throws Exception {
        Map<String, float[]> out = run(affine().toModel(), Map.of("x", tensor(new float[] {1, 0, -1, 0, 1, 0}, 2, 3)));
        // row 0: [1,0,-1] W = [1-5, 2-6] + b; row 1: [0,1,0] W = [3, 4] + b
        assertArrayEquals(new float[] {-3.5f, -5f, 3.5f, 3f}, out.get("y"), 1e-6f);
    }

    @Test
    void namesAreUniqueAndDanglingInputsFail() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("g");
        assertEquals("t", g.uniqueName("t"));
        assertEquals("t_1", g.uniqueName("t"));
        g.addInput("x", DataType.FLOAT, OnnxGraphBuilder.dim(2));
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> g.addInitializer("x", new float[2], 2));
        assertTrue(dup.getMessage().contains("'x'"), dup.getMessage());
        IllegalArgumentException dangling = assertThrows(IllegalArgumentException.class,
                () -> g.node("Relu").inputs("nowhere").freshOutputs(1).add());
        assertTrue(dangling.getMessage().contains("'nowhere'"), dangling.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> g.addInitializer("w", new float[5], 2, 3));
        assertTrue(count.getMessage().contains("5 values") && count.getMessage().contains("[2, 3]"), count.getMessage());
        g.addOutput("never", DataType.FLOAT, OnnxGraphBuilder.dim(2));
        IllegalStateException missing = assertThrows(IllegalStateException.class, g::toModel);
        assertTrue(missing.getMessage().contains("'never'"), missing.getMessage());
    }

    @Test
    void saveReplacesAtomicallyAndLeavesNoTemporaryFiles() throws Exception {
        Path file = dir.resolve("sub/affine.onnx");
        affine().save(file);
        byte[] first = Files.readAllBytes(file);
        affine().putMetadata("extra", "x").save(file);
        assertNotEquals(first.length, Files.size(file));
        assertEquals("x", OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file)).getMetadataProps(1).getValue());
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void exportedFilesPassTheOnnxChecker() throws Exception {
        Random random = new Random(2);
        List<Path> files = new ArrayList<>();
        affine().save(dir.resolve("affine.onnx"));
        files.add(dir.resolve("affine.onnx"));
        for (Cell cell : Cell.values()) {
            RecurrentExporter bi = RecurrentExporter.builder(cell)
                    .optVariant(CellVariant.builder().optGateActivation(CellVariant.Activation.HARD_SIGMOID).build())
                    .addLayer(randomWeights(random, cell, 3, 5), randomWeights(random, cell, 3, 5))
                    .addLayer(randomWeights(random, cell, 10, 5), randomWeights(random, cell, 10, 5)).build();
            Path stack = dir.resolve(cell + "-bidirectional.onnx");
            bi.toGraph(true, true).save(stack);
            files.add(stack);
            Path lm = dir.resolve(cell + "-lm.onnx");
            LanguageModelExporter.builder(cell).setVocabularySize(7).addLayer(randomWeights(random, cell, 7, 5))
                    .addLayer(randomWeights(random, cell, 5, 5)).setOutputLayer(new float[35], new float[7]).build()
                    .save(lm);
            files.add(lm);
            Path embedded = dir.resolve(cell + "-lm-embedding.onnx");
            LanguageModelExporter.builder(cell).setVocabularySize(7).optEmbedding(random(random, 21, 1), 3)
                    .addLayer(randomWeights(random, cell, 3, 5)).setOutputLayer(new float[35], new float[7]).build()
                    .save(embedded);
            files.add(embedded);
        }
        assumeCheckerPasses(files);
    }
}
