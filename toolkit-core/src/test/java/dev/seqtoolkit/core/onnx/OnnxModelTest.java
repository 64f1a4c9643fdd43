package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.seqtoolkit.core.onnx.OnnxTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Loading checks of {@link OnnxModel}: each refusal names its reason. */
class OnnxModelTest {
    @TempDir
    Path dir;

    private Path exportGru(String name) throws Exception {
        Random random = new Random(3);
        RecurrentExporter exporter = RecurrentExporter.builder(Cell.GRU).addLayer(randomWeights(random, Cell.GRU, 3, 5))
                .build();
        Path file = dir.resolve(name);
        OnnxGraphBuilder g = exporter.toGraph(true, false).putMetadata("seqtoolkit.config", "{\"hidden\":5}");
        g.save(file);
        return file;
    }

    private InvalidModelException refuse(Path file, OnnxModel.Options options, InvalidModelException.Reason reason) {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> OnnxModel.load(file, options));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e;
    }

    @Test
    void loadsWithSettingsAndReadsMetadata() throws Exception {
        Path file = exportGru("gru.onnx");
        OnnxModel.Options options = OnnxModel.Options.defaults().withIntraOpThreads(2)
                .withOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
        try (OnnxModel model = OnnxModel.load(file, options)) {
            assertEquals("{\"hidden\":5}", model.metadata("seqtoolkit.config").orElseThrow());
            assertEquals(OnnxGraphBuilder.IR_VERSION, model.irVersion());
            assertEquals(OnnxGraphBuilder.OPSET, model.opset());
            assertEquals(Map.of("input", 3, "h0", 3), model.inputRanks());
            assertEquals(List.of("output", "hn"), new ArrayList<>(model.outputRanks().keySet()));
        }
    }

    @Test
    void textFileIsNotOnnx() throws Exception {
        Path file = dir.resolve("notes.onnx");
        Files.writeString(file, "these are notes, not a model\n", StandardCharsets.UTF_8);
        InvalidModelException e = refuse(file, OnnxModel.Options.defaults(), InvalidModelException.Reason.NOT_ONNX);
        assertTrue(e.getMessage().contains("not an ONNX model"), e.getMessage());
        Path empty = Files.createFile(dir.resolve("empty.onnx"));
        assertTrue(refuse(empty, OnnxModel.Options.defaults(), InvalidModelException.Reason.NOT_ONNX).getMessage()
                .contains("empty"));
    }

    @Test
    void truncatedFileIsReportedAsTruncated() throws Exception {
        Path file = exportGru("gru.onnx");
        byte[] bytes = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        InvalidModelException e = refuse(cut, OnnxModel.Options.defaults(), InvalidModelException.Reason.TRUNCATED);
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("IR version 8"), e.getMessage());
    }

    @Test
    void newerIrVersionIsNamedBeforeOnnxRuntimeSeesIt() throws Exception {
        Path file = exportGru("gru.onnx");
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        Path newer = dir.resolve("newer-ir.onnx");
        OnnxGraphBuilder.write(model.toBuilder().setIrVersion(OnnxModel.MAX_IR_VERSION + 1).build(), newer);
        InvalidModelException e = refuse(newer, OnnxModel.Options.defaults(),
                InvalidModelException.Reason.UNSUPPORTED_VERSION);
        assertTrue(e.getMessage().contains("IR version 12") && e.getMessage().contains("11"), e.getMessage());
    }

    @Test
    void newerOpsetIsNamed() throws Exception {
        Path file = exportGru("gru.onnx");
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        Path newer = dir.resolve("newer-opset.onnx");
        OnnxGraphBuilder.write(model.toBuilder().setOpsetImport(0,
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(30)).build(), newer);
        InvalidModelException e = refuse(newer, OnnxModel.Options.defaults(),
                InvalidModelException.Reason.UNSUPPORTED_VERSION);
        assertTrue(e.getMessage().contains("opset 30") && e.getMessage().contains("23"), e.getMessage());
    }

    @Test
    void signatureMismatchListsExpectedAndFound() throws Exception {
        Path file = exportGru("gru.onnx");
        OnnxModel.Signature wrong = OnnxModel.Signature.of(Map.of("tokens", 2, "h0", 3), Map.of("logits", 3));
        InvalidModelException e = refuse(file, OnnxModel.Options.defaults().withSignature(wrong),
                InvalidModelException.Reason.SIGNATURE_MISMATCH);
        assertTrue(e.getMessage().contains("tokens (rank 2)") && e.getMessage().contains("input (rank 3)")
                && e.getMessage().contains("logits (rank 3)") && e.getMessage().contains("hn (rank 3)"), e.getMessage());
        OnnxModel.Signature wrongRank = OnnxModel.Signature.of(Map.of("input", 2, "h0", 3), Map.of("output", 3));
        refuse(file, OnnxModel.Options.defaults().withSignature(wrongRank), InvalidModelException.Reason.SIGNATURE_MISMATCH);
        OnnxModel.Signature right = OnnxModel.Signature.of(Map.of("input", 3, "h0", 3), Map.of("hn", 3));
        OnnxModel.load(file, OnnxModel.Options.defaults().withSignature(right)).close();
    }

    @Test
    void languageModelSessionRefusesAPlainStack() throws Exception {
        Path file = exportGru("gru.onnx");
        try (OnnxModel model = OnnxModel.load(file)) {
            InvalidModelException e = assertThrows(InvalidModelException.class, () -> LanguageModelSession.open(model));
            assertTrue(e.getMessage().contains(LanguageModelExporter.CONFIG_KEY), e.getMessage());
        }
    }

    @Test
    void concurrentRunsGiveTheSameResultsAsSequentialOnes() throws Exception {
        Path file = exportGru("gru.onnx");
        try (OnnxModel model = OnnxModel.load(file)) {
            int calls = 32;
            float[][] inputs = new float[calls][];
            float[][] expected = new float[calls][];
            Random random = new Random(4);
            for (int i = 0; i < calls; i++) {
                inputs[i] = random(random, 2 * 3 * 3, 1.0);
                expected[i] = runOnce(model, inputs[i]);
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> futures = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    float[] x = inputs[i];
                    futures.add(pool.submit(() -> runOnce(model, x)));
                }
                for (int i = 0; i < calls; i++) {
                    assertArrayEquals(expected[i], futures.get(i).get(), "call " + i);
                }
            } finally {
                pool.shutdown();
            }
        }
        OnnxModel closed = OnnxModel.load(file);
        closed.close();
        assertThrows(IllegalStateException.class, () -> runOnce(closed, new float[18]));
    }

    private static float[] runOnce(OnnxModel model, float[] x) throws Exception {
        try (OnnxTensor input = OnnxTensor.createTensor(model.environment(), FloatBuffer.wrap(x), new long[] {2, 3, 3});
                OnnxTensor h0 = OnnxTensor.createTensor(model.environment(), FloatBuffer.wrap(new float[10]),
                        new long[] {1, 2, 5});
                OrtSession.Result result = model.run(Map.of("input", input, "h0", h0))) {
            FloatBuffer out = ((OnnxTensor) result.get("output").orElseThrow()).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }
}
