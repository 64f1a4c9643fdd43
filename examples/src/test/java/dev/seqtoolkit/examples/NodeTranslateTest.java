package dev.seqtoolkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.data.DataDirectory;
import dev.seqtoolkit.core.text.BytePairEncoding;
import dev.seqtoolkit.translate.Translation;
import dev.seqtoolkit.translate.Translator;
import dev.seqtoolkit.translate.TranslatorConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code translator export} writes an ONNX form that loads behind the same API, and
 * {@code examples/node/translate.mjs} (onnxruntime-node) gives the same greedy translations as Java.
 */
class NodeTranslateTest {
    static final Path SCRIPT = Path.of("node", "translate.mjs").toAbsolutePath();

    @TempDir
    static Path dir;
    static Path bundle;
    static Path export;
    static List<String> sentences = new ArrayList<>();

    @BeforeAll
    static void trainAndExport() throws IOException {
        TranslatorCliTest.corpus(dir.resolve("train.en"), dir.resolve("train.de"), 150, 11);
        TranslatorCliTest.corpus(dir.resolve("val.en"), dir.resolve("val.de"), 10, 12);
        TranslatorCliTest.corpus(dir.resolve("test.en"), dir.resolve("test.de"), 8, 13);
        sentences.addAll(Files.readAllLines(dir.resolve("test.en")));
        sentences.add("A zebra runs."); // an unknown word
        ObjectNode config = new ObjectMapper().createObjectNode();
        config.putObject("pipeline").put("merges", 30);
        ObjectNode model = config.putObject("model");
        model.put("embeddingSize", 8).put("encoderHiddenSize", 5).put("decoderHiddenSize", 7).put("bridge", "LINEAR")
                .put("attention", "ADDITIVE").put("attentionHiddenSize", 6);
        config.putObject("training").put("batchSize", 16).put("learningRate", 0.01).put("patience", 0);
        config.putObject("decoding").put("beamSize", 1);
        Files.writeString(dir.resolve("translator.json"), config.toString());
        bundle = dir.resolve("model");
        CommandLine.populateCommand(new TranslatorCli.Train(), "--data-dir", dir.toString(), "--train-src", "train.en",
                "--train-tgt", "train.de", "--dev-src", "val.en", "--dev-tgt", "val.de", "--config",
                dir.resolve("translator.json").toString(), "--epochs", "2", "--out", bundle.toString(), "--no-progress")
                .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        export = dir.resolve("onnx");
        CommandLine.populateCommand(new TranslatorCli.Export(), "--model", bundle.toString(), "--out", export.toString())
                .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void exportedModelLoadsBehindTheSameApiAndTranslatesLikeTheBundle() throws IOException {
        try (Translator djl = Translator.load(bundle); Translator onnx = Translator.load(export)) {
            assertEquals(djl.translate(sentences), onnx.translate(sentences));
            TranslatorConfig.Decoding beam5 = djl.config().decoding().withBeamSize(5);
            try (Translator a = djl.withDecoding(beam5); Translator b = onnx.withDecoding(beam5)) {
                assertEquals(a.translate(sentences), b.translate(sentences));
            }
        }
    }

    @Test
    void nodeScriptGivesJavasGreedyTranslations() throws Exception {
        assertNodeMatchesJava(export, sentences);
    }

    /**
     * The shipped English-German model, exported, gives in Node.js the greedy translations Java gives
     * for the first 100 sentences of Multi30k test_2016_flickr.
     */
    @Test
    void nodeTranslatesTheShippedModelLikeJava() throws Exception {
        Path shipped = Path.of("..", "models", "en-de");
        Optional<DataDirectory> data = DataDirectory.find();
        assumeTrue(data.isPresent() && data.get().exists("multi30k/test_2016_flickr.en"),
                "no data directory with multi30k/test_2016_flickr.en");
        List<String> first100 = Files.readAllLines(data.get().resolvePath("multi30k/test_2016_flickr.en")).subList(0, 100);
        Path shippedExport = dir.resolve("en-de-onnx");
        CommandLine.populateCommand(new TranslatorCli.Export(), "--model", shipped.toString(), "--out",
                        shippedExport.toString())
                .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertNodeMatchesJava(shippedExport, first100);
    }

    private static void assertNodeMatchesJava(Path exported, List<String> sentences) throws Exception {
        assumeTrue(Files.isRegularFile(SCRIPT), "no " + SCRIPT);
        assumeTrue(runs("node", "--version"), "node is not on the PATH");
        assumeTrue(onnxRuntimeNodeInstalled(), "onnxruntime-node is not installed and npm ci could not install it");
        List<String> input = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        try (Translator loaded = Translator.load(exported);
                Translator onnx = loaded.withDecoding(loaded.config().decoding().withBeamSize(1))) {
            for (String s : sentences) {
                input.add(String.join(" ", onnx.pipeline().words(s)));
                Translation t = onnx.translateNBest(s, 1).get(0); // beam 1 and one best: the greedy search
                expected.add(String.join(" ", BytePairEncoding.remove(withoutDanglingMarker(t.subwords()))));
            }
        }
        assertTrue(expected.stream().anyMatch(e -> e.split(" ").length >= 2), "the model should translate: " + expected);
        Process p = new ProcessBuilder("node", SCRIPT.toString(), exported.toString()).redirectErrorStream(false).start();
        p.getOutputStream().write((String.join("\n", input) + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "node timed out");
        assertEquals(0, p.exitValue(), "node failed: " + err);
        assertEquals(expected, out.lines().toList(), "node's greedy translations of " + input);
    }

    private static List<String> withoutDanglingMarker(List<String> pieces) {
        List<String> out = new ArrayList<>(pieces);
        int last = out.size() - 1;
        if (last >= 0 && out.get(last).endsWith(BytePairEncoding.CONTINUATION)) {
            out.set(last, out.get(last).substring(0, out.get(last).length() - BytePairEncoding.CONTINUATION.length()));
        }
        out.removeIf(String::isEmpty);
        return out;
    }

    /**
     * Whether {@code examples/node/node_modules/onnxruntime-node} exists, after installing it once
     * with {@code npm ci} from the committed lock file when it does not (npm reaches its registry
     * at build time; nothing is downloaded when the toolkit runs).
     */
    private static synchronized boolean onnxRuntimeNodeInstalled() {
        Path module = SCRIPT.getParent().resolve("node_modules/onnxruntime-node");
        if (!Files.isDirectory(module) && runs("npm", "--version")) {
            runsIn(SCRIPT.getParent(), "npm", "ci", "--no-audit", "--no-fund");
        }
        return Files.isDirectory(module);
    }

    private static boolean runs(String... command) {
        return runsIn(null, command);
    }

    private static boolean runsIn(Path directory, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            Process p = builder.start();
            p.getInputStream().readAllBytes();
            return p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
