package dev.seqtoolkit.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.translate.Translator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every subcommand end to end on a tiny synthetic corpus and a tiny model trained for a few seconds. */
class TranslatorCliTest {
    static final String[] NOUNS = {"dog", "cat", "man", "woman", "child", "horse"};
    static final String[] GERMAN = {"Hund", "Katze", "Mann", "Frau", "Kind", "Pferd"};
    static final String[] VERBS = {"runs", "sleeps", "jumps"};
    static final String[] GERMAN_VERBS = {"rennt", "schläft", "springt"};

    @TempDir
    static Path dir;
    static Path bundle;
    static Map<String, Double> devMetrics;

    static void corpus(Path src, Path tgt, int n, long seed) throws IOException {
        Random r = new Random(seed);
        List<String> en = new ArrayList<>();
        List<String> de = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int a = r.nextInt(NOUNS.length);
            int v = r.nextInt(VERBS.length);
            en.add("A " + NOUNS[a] + " " + VERBS[v] + ".");
            de.add("Ein " + GERMAN[a] + " " + GERMAN_VERBS[v] + ".");
        }
        Files.write(src, en);
        Files.write(tgt, de);
    }

    @BeforeAll
    static void train() throws IOException {
        corpus(dir.resolve("train.en"), dir.resolve("train.de"), 150, 1);
        corpus(dir.resolve("val.en"), dir.resolve("val.de"), 10, 2);
        corpus(dir.resolve("test.en"), dir.resolve("test.de"), 12, 3);
        ObjectNode config = new ObjectMapper().createObjectNode();
        config.putObject("pipeline").put("merges", 30);
        ObjectNode model = config.putObject("model");
        model.put("embeddingSize", 8).put("encoderHiddenSize", 5).put("decoderHiddenSize", 7).put("bridge", "LINEAR")
                .put("attention", "ADDITIVE").put("attentionHiddenSize", 6);
        config.putObject("training").put("batchSize", 16).put("learningRate", 0.01).put("patience", 0);
        config.putObject("decoding").put("beamSize", 2);
        Files.writeString(dir.resolve("translator.json"), config.toString());
        bundle = dir.resolve("model");
        TranslatorCli.Train train = CommandLine.populateCommand(new TranslatorCli.Train(),
                "--data-dir", dir.toString(), "--train-src", "train.en", "--train-tgt", "train.de",
                "--dev-src", "val.en", "--dev-tgt", "val.de", "--config", dir.resolve("translator.json").toString(),
                "--epochs", "2", "--out", bundle.toString(), "--no-progress");
        devMetrics = train.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void badInputEndsWithOneLineNamingTheProblemAndExitCode2(@TempDir Path dir) {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = Programs.commandLine(new TranslatorCli());
        cli.setErr(new java.io.PrintWriter(err, true));
        Path missing = dir.resolve("no-model");
        assertEquals(Programs.BAD_INPUT, cli.execute("translate", "--model", missing.toString(), "x"));
        String message = err.toString().strip();
        assertTrue(message.startsWith("translate: ") && message.contains(missing.toString()), message);
        assertTrue(!message.contains("\tat "), "no stack trace: " + message);
        assertTrue(Programs.isBadInput(new IllegalArgumentException()) && !Programs.isBadInput(new NullPointerException()));
        assertEquals("outer (inner)", Programs.describe(new IllegalStateException("outer", new IOException("inner"))));
    }

    @Test
    void trainWritesALoadableBundleAndReportsDevBleu() {
        assertTrue(Files.isRegularFile(bundle.resolve("manifest.json")));
        assertTrue(devMetrics.containsKey("bleu") && devMetrics.containsKey("loss"), devMetrics.toString());
    }

    @Test
    void translateArgumentsFileAndStandardInputMatchTheApi() throws IOException {
        List<String> sentences = List.of("A dog runs.", "", "A horse sleeps.");
        Files.write(dir.resolve("in.en"), sentences);
        try (Translator translator = Translator.load(bundle)) {
            List<String> expected = translator.translate(sentences);
            TranslatorCli.Translate args = CommandLine.populateCommand(new TranslatorCli.Translate(),
                    "--model", bundle.toString(), "A dog runs.", "", "A horse sleeps.");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(expected, args.run(translator, reader(""), print(out), print(new ByteArrayOutputStream())));
            assertEquals(String.join(System.lineSeparator(), expected) + System.lineSeparator(),
                    out.toString(StandardCharsets.UTF_8));
            TranslatorCli.Translate file = CommandLine.populateCommand(new TranslatorCli.Translate(),
                    "--model", bundle.toString(), "--input", dir.resolve("in.en").toString());
            assertEquals(expected, file.run(translator, reader(""), print(new ByteArrayOutputStream()),
                    print(new ByteArrayOutputStream())));
            TranslatorCli.Translate stdin = CommandLine.populateCommand(new TranslatorCli.Translate(),
                    "--model", bundle.toString());
            assertEquals(expected, stdin.run(translator, reader(String.join("\n", sentences) + "\n"),
                    print(new ByteArrayOutputStream()), print(new ByteArrayOutputStream())));
            TranslatorCli.Translate greedy = CommandLine.populateCommand(new TranslatorCli.Translate(),
                    "--model", bundle.toString(), "--beam", "1", "A cat jumps.");
            Translator greedyApi = translator.withDecoding(translator.config().decoding().withBeamSize(1));
            assertEquals(List.of(greedyApi.translate("A cat jumps.")), greedy.run(translator, reader(""),
                    print(new ByteArrayOutputStream()), print(new ByteArrayOutputStream())));
        }
    }

    @Test
    void overLongLineGivesAnEmptyLineAndAMessageNamingTheLimit() throws IOException {
        String longLine = String.join(" ", java.util.Collections.nCopies(1000, "dog"));
        try (Translator translator = Translator.load(bundle)) {
            TranslatorCli.Translate stdin = CommandLine.populateCommand(new TranslatorCli.Translate(),
                    "--model", bundle.toString());
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            List<String> printed = stdin.run(translator, reader(longLine + "\nA dog runs.\n"),
                    print(new ByteArrayOutputStream()), print(err));
            assertEquals(List.of("", translator.translate("A dog runs.")), printed);
            String message = err.toString(StandardCharsets.UTF_8);
            assertTrue(message.contains("standard input line 1") && message.contains("at most 256"), message);
            assertEquals(1, stdin.failures);
        }
    }

    @Test
    void nBestAndAttentionPng() throws IOException {
        Path png = dir.resolve("attention.png");
        try (Translator translator = Translator.load(bundle)) {
            TranslatorCli.Translate args = CommandLine.populateCommand(new TranslatorCli.Translate(),
                    "--model", bundle.toString(), "--nbest", "2", "--attention-png", png.toString(), "A child runs.");
            List<String> printed = args.run(translator, reader(""), print(new ByteArrayOutputStream()),
                    print(new ByteArrayOutputStream()));
            assertEquals(2, printed.size());
            double first = Double.parseDouble(printed.get(0).split("\t")[0]);
            double second = Double.parseDouble(printed.get(1).split("\t")[0]);
            assertTrue(first >= second, printed.toString());
            assertEquals(translator.translateNBest("A child runs.", 2).get(0).text(), printed.get(0).split("\t", 2)[1]);
        }
        assertNotNull(ImageIO.read(png.toFile()), "attention.png is a readable PNG");
    }

    @Test
    void evaluatePrintsBleuAndChrFAndWritesJson() throws IOException {
        Path json = dir.resolve("result.json");
        try (Translator translator = Translator.load(bundle)) {
            TranslatorCli.Evaluate args = CommandLine.populateCommand(new TranslatorCli.Evaluate(),
                    "--model", bundle.toString(), "--data-dir", dir.toString(), "--src", "test.en", "--ref", "test.de",
                    "--json", json.toString());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            args.run(translator, print(out));
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("BLEU|nrefs:1|case:mixed") && text.contains("chrF2|") && text.contains("sentences/s"),
                    text);
            double bleu = translator.evaluate(dir.resolve("test.en"), dir.resolve("test.de")).bleu().score();
            JsonNode node = new ObjectMapper().readTree(json.toFile());
            assertEquals(bleu, node.get("bleu").asDouble(), 1e-9);
            for (String field : List.of("command", "commit", "engine", "date", "dataset", "split", "chrf", "sentences_per_s", "machine")) {
                assertTrue(node.has(field), field + " missing in " + node);
            }
            assertEquals("test", node.get("split").asText());
            assertEquals(12, node.get("sentences").asInt());
        }
    }

    private static BufferedReader reader(String text) {
        return new BufferedReader(new StringReader(text));
    }

    private static PrintStream print(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }
}
