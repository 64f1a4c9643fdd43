package dev.seqtoolkit.sentiment;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.onnx.InvalidModelException;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.text.Vocabulary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny trained sentence classifier goes train, save, load, export, load again and predicts and
 * evaluates the same; broken exports fail naming the file and the problem.
 */
class OnnxExportTest {
    @TempDir
    static Path dir;
    static SentimentClassifier trained;
    static Path bundle;
    static Path export;
    static List<LabeledText> dev;

    @BeforeAll
    static void trainSaveAndExport() throws IOException {
        SentimentConfig config = SentimentClassifier.builder().setLabels(List.of("neg", "pos", "neu"))
                .optEmbeddingSize(9).optHiddenSize(7).optAttentionSize(5).optDropout(0f).optEpochs(4).optBatchSize(16)
                .optLearningRate(0.02f).optMaxWords(20).build();
        dev = Synthetic.sentences(40, 22, true);
        trained = SentimentClassifier.train(config, Synthetic.sentences(150, 21, true), dev, TrainingOptions.defaults());
        bundle = dir.resolve("bundle");
        trained.save(bundle);
        export = dir.resolve("export");
        try (TextClassifier loaded = TextClassifier.load(bundle)) {
            assertEquals(TextClassifier.Backend.DJL, loaded.backend());
            loaded.export(export);
        }
    }

    @AfterAll
    static void close() {
        if (trained != null) {
            trained.close();
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

    static List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (LabeledText t : dev) {
            texts.add(t.text());
        }
        texts.add("");
        texts.add("unseen zebra words");
        texts.add(String.join(" ", Collections.nCopies(50, "good")));
        return texts;
    }

    @Test
    void exportHoldsTheGraphConfigVocabularyAndProvenance() throws Exception {
        for (String f : List.of(ClassifierOnnx.MODEL_FILE, ClassifierOnnx.CONFIG_FILE, ClassifierOnnx.WORDS_FILE,
                ClassifierOnnx.PROVENANCE_FILE)) {
            assertTrue(Files.isRegularFile(export.resolve(f)), f);
        }
        assertEquals(trained.vocabulary(), Vocabulary.load(export.resolve(ClassifierOnnx.WORDS_FILE)));
        try (OnnxModel model = OnnxModel.load(export.resolve(ClassifierOnnx.MODEL_FILE))) {
            assertEquals("[\"neg\",\"pos\",\"neu\"]", model.metadata(ClassifierOnnx.LABELS_KEY).orElseThrow());
            assertEquals(trained.vocabulary().sha256(), model.metadata(ClassifierOnnx.VOCABULARY_SHA_KEY).orElseThrow());
            Provenance p = Provenance.fromJson(
                    model.metadata(ClassifierOnnx.PROVENANCE_KEY).orElseThrow().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "metadata");
            assertEquals("onnx", p.extras().get("export"));
            assertEquals("150", p.extras().get("trainTexts"), "the training figures travel from the bundle");
        }
    }

    @Test
    void saveLoadExportLoadPredictsAndEvaluatesTheSame() throws IOException {
        List<String> texts = texts();
        try (TextClassifier onnx = TextClassifier.load(export); SentimentClassifier typed = SentimentClassifier.load(export)) {
            assertEquals(TextClassifier.Backend.ONNX_RUNTIME, onnx.backend());
            assertEquals(TextClassifier.Backend.ONNX_RUNTIME, typed.backend());
            assertEquals(trained.config(), onnx.config());
            assertEquals(trained.labels(), onnx.labels());
            assertEquals(trained.vocabulary(), onnx.vocabulary());
            assertEquals("onnx", onnx.provenance().orElseThrow().extras().get("export"));
            List<Prediction> a = trained.predict(texts);
            List<Prediction> b = onnx.predict(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(a.get(i).label(), b.get(i).label(), "text " + i);
                assertArrayEquals(a.get(i).probabilities(), b.get(i).probabilities(), 1e-5, "text " + i);
                assertEquals(a.get(i).empty(), b.get(i).empty());
                assertEquals(a.get(i).droppedWords(), b.get(i).droppedWords());
                if (!a.get(i).sentences().isEmpty()) {
                    assertArrayEquals(a.get(i).sentences().get(0).wordWeights(), b.get(i).sentences().get(0).wordWeights(),
                            1e-5, "attention of text " + i);
                }
            }
            assertEquals(30, b.get(texts.size() - 1).droppedWords(), "50 words cut to the limit of 20");
            Evaluation x = trained.evaluate(dev);
            Evaluation y = onnx.evaluate(dev);
            assertTrue(x.accuracy() > 0.8, "the tiny model learned: accuracy " + x.accuracy());
            assertEquals(x.accuracy(), y.accuracy(), 0.0);
            assertTrue(Arrays.deepEquals(x.report().confusionMatrix(), y.report().confusionMatrix()));
        }
    }

    @Test
    void anExportServesManyThreadsWithChosenOptions() throws Exception {
        List<String> texts = texts();
        OnnxModel.Options options = OnnxModel.Options.defaults().withIntraOpThreads(1)
                .withOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
        try (TextClassifier onnx = TextClassifier.loadOnnx(export, options)) {
            List<Prediction> expected = onnx.predict(texts);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<List<Prediction>>> futures = new ArrayList<>();
                for (int k = 0; k < 6; k++) {
                    futures.add(pool.submit(() -> onnx.predict(texts)));
                }
                for (Future<List<Prediction>> f : futures) {
                    List<Prediction> got = f.get();
                    for (int i = 0; i < texts.size(); i++) {
                        assertArrayEquals(expected.get(i).probabilities(), got.get(i).probabilities(), 0.0, "text " + i);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void anExportCannotBeSavedOrExportedAgainAndHasNoNetwork() throws IOException {
        try (TextClassifier onnx = TextClassifier.load(export)) {
            assertTrue(assertThrows(IllegalStateException.class, () -> onnx.save(dir.resolve("again")))
                    .getMessage().contains("ONNX export"));
            assertThrows(IllegalStateException.class, () -> onnx.export(dir.resolve("again")));
            assertThrows(IllegalStateException.class, onnx::network);
            assertFalse(onnx.trainingReport().isPresent());
        }
        assertFalse(Files.exists(dir.resolve("again")));
    }

    @Test
    void reexportReplacesAnExportAndRefusesAForeignDirectory() throws IOException {
        Path target = copy("reexport");
        trained.export(target);
        try (TextClassifier onnx = TextClassifier.load(target)) {
            assertArrayEquals(trained.predict("good film").probabilities(), onnx.predict("good film").probabilities(), 1e-5);
        }
        Path foreign = dir.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        IOException e = assertThrows(IOException.class, () -> trained.export(foreign));
        assertTrue(e.getMessage().contains("not an ONNX classifier export"), e.getMessage());
        assertTrue(Files.exists(foreign.resolve("notes.txt")));
    }

    @Test
    void aFileThatIsNotOnnxIsRefusedNamingIt() throws IOException {
        Path broken = copy("not-onnx");
        Files.writeString(broken.resolve(ClassifierOnnx.MODEL_FILE), "label\ttext\npos\tgood film\n");
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> TextClassifier.load(broken));
        assertEquals(InvalidModelException.Reason.NOT_ONNX, e.reason());
        assertTrue(e.getMessage().contains(ClassifierOnnx.MODEL_FILE) && e.getMessage().contains("not an ONNX model"),
                e.getMessage());
    }

    @Test
    void aTruncatedModelIsRefused() throws IOException {
        Path broken = copy("truncated");
        Path model = broken.resolve(ClassifierOnnx.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> TextClassifier.load(broken));
        assertEquals(InvalidModelException.Reason.TRUNCATED, e.reason());
        assertTrue(e.getMessage().contains(ClassifierOnnx.MODEL_FILE) && e.getMessage().contains("truncated"),
                e.getMessage());
    }

    @Test
    void aModelWithOtherInputsIsRefusedListingThem() throws IOException {
        Path broken = copy("mismatch");
        Path model = broken.resolve(ClassifierOnnx.MODEL_FILE);
        OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder();
        OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
        for (int i = 0; i < g.getInputCount(); i++) {
            if (g.getInput(i).getName().equals("word_lengths")) {
                g.getInputBuilder(i).setName("lengths");
            }
        }
        for (OnnxMl.NodeProto.Builder n : g.getNodeBuilderList()) {
            for (int i = 0; i < n.getInputCount(); i++) {
                if (n.getInput(i).equals("word_lengths")) {
                    n.setInput(i, "lengths");
                }
            }
        }
        Files.write(model, b.build().toByteArray());
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> TextClassifier.load(broken));
        assertEquals(InvalidModelException.Reason.SIGNATURE_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("word_lengths (rank 1)") && e.getMessage().contains("lengths (rank 1)"),
                e.getMessage());
    }

    @Test
    void newerVersionsAreRefusedNamingTheVersion() throws IOException {
        Path ir = copy("newer-ir");
        Path model = ir.resolve(ClassifierOnnx.MODEL_FILE);
        OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model));
        Files.write(model, proto.toBuilder().setIrVersion(OnnxModel.MAX_IR_VERSION + 1).build().toByteArray());
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> TextClassifier.load(ir));
        assertEquals(InvalidModelException.Reason.UNSUPPORTED_VERSION, e.reason());
        assertTrue(e.getMessage().contains("IR version " + (OnnxModel.MAX_IR_VERSION + 1)), e.getMessage());

        Path format = copy("newer-format");
        ObjectNode config = (ObjectNode) SentimentConfig.JSON.readTree(format.resolve(ClassifierOnnx.CONFIG_FILE).toFile());
        config.put("version", ClassifierOnnx.VERSION + 1);
        Files.writeString(format.resolve(ClassifierOnnx.CONFIG_FILE), config.toString());
        BundleException b = assertThrows(BundleException.class, () -> TextClassifier.load(format));
        assertTrue(b.getMessage().contains(ClassifierOnnx.CONFIG_FILE) && b.getMessage().contains("export version 2")
                && b.getMessage().contains("newer"), b.getMessage());
    }

    @Test
    void aVocabularyThatIsNotTheExportedOneIsRefused() throws IOException {
        Path broken = copy("vocab");
        List<String> tokens = new ArrayList<>(trained.vocabulary().tokens());
        Collections.swap(tokens, 5, 6);
        Files.delete(broken.resolve(ClassifierOnnx.WORDS_FILE));
        Vocabulary.of(tokens).save(broken.resolve(ClassifierOnnx.WORDS_FILE));
        IOException e = assertThrows(IOException.class, () -> TextClassifier.load(broken));
        assertTrue(e.getMessage().contains(ClassifierOnnx.WORDS_FILE)
                && e.getMessage().contains("not the vocabulary the model was exported with"), e.getMessage());
    }

    @Test
    void missingFilesAndTheWrongArchitectureAreNamed() throws IOException {
        Path missing = copy("missing");
        Files.delete(missing.resolve(ClassifierOnnx.WORDS_FILE));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TextClassifier.load(missing));
        assertTrue(e.getMessage().contains(ClassifierOnnx.WORDS_FILE), e.getMessage());
        BundleException wrong = assertThrows(BundleException.class, () -> DocumentSentimentClassifier.load(export));
        assertTrue(wrong.getMessage().contains("SENTENCE") && wrong.getMessage().contains("SentimentClassifier"),
                wrong.getMessage());
    }
}
