package dev.seqtoolkit.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.onnx.InvalidModelException;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.text.Vocabulary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A tiny trained translator exported to ONNX translates exactly as its DJL form, behind the same API. */
class OnnxTranslatorTest {
    @TempDir
    static Path dir;
    static Translator djl;
    static Path export;
    static List<String> sources;

    static TranslatorConfig config() {
        ObjectNode model = TranslatorConfig.JSON.createObjectNode();
        model.put("embeddingSize", 8);
        model.put("encoderHiddenSize", 5);
        model.put("decoderHiddenSize", 7);
        model.put("bridge", "LINEAR");
        model.put("decoderStyle", "LUONG");
        model.put("attention", "GENERAL");
        model.put("inputFeeding", true);
        return TranslatorConfig.defaults()
                .withPipeline(new TranslatorConfig.Pipeline(40, true, false, 1, 0, 64))
                .withModel(model)
                .withTraining(new TranslatorConfig.Training(2, 16, 0, 30, TranslatorConfig.OptimizerKind.ADAM, 0.01f,
                        TranslatorConfig.ScheduleKind.FIXED, 1f, TranslatorConfig.StopMetric.BLEU, 0, 0, 7))
                .withDecoding(new TranslatorConfig.Decoding(1, 0.6, 1.5, 5, true, 8));
    }

    @BeforeAll
    static void trainAndExport() throws IOException {
        List<String[]> pairs = Fixtures.pairs(120, 31);
        Files.write(dir.resolve("train.en"), Fixtures.side(pairs, 0));
        Files.write(dir.resolve("train.de"), Fixtures.side(pairs, 1));
        List<String[]> dev = Fixtures.pairs(8, 32);
        Files.write(dir.resolve("val.en"), Fixtures.side(dev, 0));
        Files.write(dir.resolve("val.de"), Fixtures.side(dev, 1));
        sources = new ArrayList<>(Fixtures.side(Fixtures.pairs(10, 33), 0));
        sources.add("A zebra sleeps under the bridge."); // unknown words: <unk> replacement through attention
        djl = Translator.train(config(), dir.resolve("train.en"), dir.resolve("train.de"), dir.resolve("val.en"),
                dir.resolve("val.de"), null, false);
        export = dir.resolve("export");
        djl.exportOnnx(export);
    }

    @AfterAll
    static void close() {
        if (djl != null) {
            djl.close();
        }
    }

    /** A fresh copy of the export to break. */
    static Path copy(String name) throws IOException {
        Path target = dir.resolve(name);
        Files.createDirectories(target);
        try (var files = Files.list(export)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    @Test
    void exportHoldsGraphsConfigVocabulariesBpeAndProvenance() {
        for (String f : List.of("encoder.onnx", "decoder_step.onnx", "translator.json", "source-vocabulary.json",
                "target-vocabulary.json", "bpe-source.json", "provenance.json")) {
            assertTrue(Files.isRegularFile(export.resolve(f)), f);
        }
        assertTrue(!Files.exists(export.resolve("bpe-target.json")), "joint BPE writes one merges file");
    }

    @Test
    void loadDetectsTheExportAndTranslatesGreedyAndBeamLikeDjl() throws IOException {
        try (Translator onnx = Translator.load(export)) {
            List<String> greedy = djl.translate(sources);
            assertTrue(greedy.stream().noneMatch(String::isBlank), "every sentence gets output: " + greedy);
            assertEquals(greedy, onnx.translate(sources), "greedy");
            TranslatorConfig.Decoding beam5 = new TranslatorConfig.Decoding(5, 0.6, 1.5, 5, true, 4);
            try (Translator a = djl.withDecoding(beam5); Translator b = onnx.withDecoding(beam5)) {
                assertEquals(a.translate(sources), b.translate(sources), "beam 5");
            }
            for (String s : sources.subList(0, 3)) {
                List<Translation> x = djl.translateNBest(s, 3);
                List<Translation> y = onnx.translateNBest(s, 3);
                assertEquals(x.size(), y.size());
                for (int i = 0; i < x.size(); i++) {
                    assertEquals(x.get(i).subwords(), y.get(i).subwords(), s + " n-best " + i);
                    assertEquals(x.get(i).score(), y.get(i).score(), 1e-3, s + " n-best score " + i);
                }
            }
            AttentionMatrix x = djl.attention(sources.get(0));
            AttentionMatrix y = onnx.attention(sources.get(0));
            assertEquals(x.targetTokens(), y.targetTokens());
            for (int t = 0; t < x.weights().length; t++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(x.weights()[t], y.weights()[t], 1e-4f, "attention row " + t);
            }
        }
    }

    @Test
    void loadOnnxWithOptionsServesManyThreads() throws Exception {
        List<String> expected = djl.translate(sources);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (Translator onnx = Translator.loadOnnx(export, OnnxModel.Options.defaults().withIntraOpThreads(1)
                .withOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT))) {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                futures.add(pool.submit(() -> onnx.translate(sources)));
            }
            for (Future<List<String>> f : futures) {
                assertEquals(expected, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTranslatorLoadedFromAnExportCannotBeExportedOrSavedAgain() throws IOException {
        try (Translator onnx = Translator.load(export)) {
            assertThrows(IllegalStateException.class, () -> onnx.exportOnnx(dir.resolve("again")));
            assertThrows(IllegalStateException.class, () -> onnx.save(dir.resolve("again")));
        }
    }

    @Test
    void reexportReplacesTheDirectoryAndRefusesAForeignOne() throws IOException {
        Path target = copy("reexport");
        djl.exportOnnx(target);
        try (Translator onnx = Translator.load(target)) {
            assertEquals(djl.translate(sources.get(0)), onnx.translate(sources.get(0)));
        }
        Path foreign = dir.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        IOException e = assertThrows(IOException.class, () -> djl.exportOnnx(foreign));
        assertTrue(e.getMessage().contains("not an ONNX translator export"), e.getMessage());
        assertTrue(Files.exists(foreign.resolve("notes.txt")));
    }

    @Test
    void aFileThatIsNotOnnxIsRefusedNamingIt() throws IOException {
        Path broken = copy("not-onnx");
        Files.writeString(broken.resolve("encoder.onnx"), "this is a text file, not a model\n");
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Translator.load(broken));
        assertEquals(InvalidModelException.Reason.NOT_ONNX, e.reason());
        assertTrue(e.getMessage().contains("encoder.onnx"), e.getMessage());
    }

    @Test
    void aTruncatedDecoderIsRefused() throws IOException {
        Path broken = copy("truncated");
        Path decoder = broken.resolve("decoder_step.onnx");
        byte[] bytes = Files.readAllBytes(decoder);
        Files.write(decoder, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Translator.load(broken));
        assertEquals(InvalidModelException.Reason.TRUNCATED, e.reason());
        assertTrue(e.getMessage().contains("decoder_step.onnx") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aDecoderWithOtherInputsIsRefusedListingThem() throws IOException {
        Path broken = copy("mismatch");
        Path decoder = broken.resolve("decoder_step.onnx");
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(decoder));
        OnnxMl.ModelProto.Builder b = proto.toBuilder();
        OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
        // rename the graph input previous_tokens (and its uses) to tokens
        for (int i = 0; i < g.getInputCount(); i++) {
            if (g.getInput(i).getName().equals("previous_tokens")) {
                g.getInputBuilder(i).setName("tokens");
            }
        }
        for (OnnxMl.NodeProto.Builder n : g.getNodeBuilderList()) {
            for (int i = 0; i < n.getInputCount(); i++) {
                if (n.getInput(i).equals("previous_tokens")) {
                    n.setInput(i, "tokens");
                }
            }
        }
        Files.write(decoder, b.build().toByteArray());
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Translator.load(broken));
        assertEquals(InvalidModelException.Reason.SIGNATURE_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("previous_tokens") && e.getMessage().contains("tokens (rank 1)"),
                e.getMessage());
    }

    @Test
    void aModelOfANewerIrVersionIsRefused() throws IOException {
        Path broken = copy("newer");
        Path encoder = broken.resolve("encoder.onnx");
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(encoder));
        Files.write(encoder, proto.toBuilder().setIrVersion(OnnxModel.MAX_IR_VERSION + 1).build().toByteArray());
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Translator.load(broken));
        assertEquals(InvalidModelException.Reason.UNSUPPORTED_VERSION, e.reason());
        assertTrue(e.getMessage().contains("IR version " + (OnnxModel.MAX_IR_VERSION + 1)), e.getMessage());
    }

    @Test
    void vocabulariesThatAreNotTheExportedOnesAreRefused() throws IOException {
        Path broken = copy("vocab");
        List<String> tokens = new ArrayList<>(djl.pipeline().targetVocabulary().tokens());
        java.util.Collections.swap(tokens, 5, 6);
        Files.delete(broken.resolve("target-vocabulary.json"));
        Vocabulary.of(tokens).save(broken.resolve("target-vocabulary.json"));
        IOException e = assertThrows(IOException.class, () -> Translator.load(broken));
        assertTrue(e.getMessage().contains("not the ones the model was exported with"), e.getMessage());
    }

    @Test
    void aMissingDecoderIsNamed() throws IOException {
        Path broken = copy("missing");
        Files.delete(broken.resolve("decoder_step.onnx"));
        IOException e = assertThrows(IOException.class, () -> Translator.load(broken));
        assertTrue(e.getMessage().contains("decoder_step.onnx"), e.getMessage());
    }
}
