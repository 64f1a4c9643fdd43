package dev.seqtoolkit.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.sentiment.TextClassifier;
import dev.seqtoolkit.sentiment.TrainingReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train, predict and evaluate end to end on a tiny synthetic SST-2-format corpus. */
class SentimentCliTest {
    static final String[] POS = {"good", "great", "superb"};
    static final String[] NEG = {"bad", "dull", "awful"};
    static final String[] FILL = {"the", "movie", "was", "a", "plot", "it"};

    @TempDir
    static Path dir;
    static Path bundle;
    static TrainingReport report;

    static void corpus(Path file, int n, long seed) throws IOException {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = r.nextInt(2);
            List<String> words = new ArrayList<>();
            for (int k = 0; k < 3 + r.nextInt(4); k++) {
                words.add(FILL[r.nextInt(FILL.length)]);
            }
            words.add(r.nextInt(words.size() + 1), (label == 1 ? POS : NEG)[r.nextInt(3)]);
            lines.add(label + " " + String.join(" ", words));
        }
        Files.write(file, lines);
    }

    @BeforeAll
    static void train() throws Exception {
        corpus(dir.resolve("train.txt"), 160, 1);
        corpus(dir.resolve("dev.txt"), 30, 2);
        corpus(dir.resolve("test.txt"), 40, 3);
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"labels\": [\"0\", \"1\"], \"embeddingSize\": 8, \"hiddenSize\": 6, "
                + "\"dropout\": 0, \"batchSize\": 16, \"learningRate\": 0.03, \"epochs\": 6}");
        bundle = dir.resolve("model");
        SentimentCli.Train train = new SentimentCli.Train();
        new CommandLine(train).parseArgs("--train", dir.resolve("train.txt").toString(), "--dev",
                dir.resolve("dev.txt").toString(), "--config", config.toString(), "--out", bundle.toString(),
                "--no-progress");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report = train.run(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("saved " + bundle));
    }

    @Test
    void evaluateReachesTheThresholdAndWritesJson() throws Exception {
        SentimentCli.Evaluate evaluate = new SentimentCli.Evaluate();
        Path json = dir.resolve("result.json");
        new CommandLine(evaluate).parseArgs("--model", bundle.toString(), "--test", dir.resolve("test.txt").toString(),
                "--json", json.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TextClassifier c = TextClassifier.load(bundle)) {
            ObjectNode node = evaluate.run(c, new PrintStream(out, true, StandardCharsets.UTF_8));
            assertTrue(node.get("accuracy").asDouble() > 0.9, out.toString(StandardCharsets.UTF_8));
            assertEquals(40, node.get("texts").asInt());
        }
        JsonNode written = SentimentCli.JSON.readTree(json.toFile());
        assertTrue(written.get("macroF1").asDouble() > 0.85);
        assertEquals(2, written.at("/report/confusion").size());
        assertTrue(report.training().bestMetric() > 0.8, "dev accuracy " + report.training().bestMetric());
    }

    @Test
    void predictArgumentsStdinJsonAndHtml() throws Exception {
        try (TextClassifier c = TextClassifier.load(bundle)) {
            SentimentCli.Predict predict = new SentimentCli.Predict();
            Path html = dir.resolve("a.html");
            new CommandLine(predict).parseArgs("--model", bundle.toString(), "--html", html.toString(),
                    "the movie was superb", "a dull plot", "");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            List<String> lines = predict.run(c, new BufferedReader(new StringReader("")),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(3, lines.size());
            assertTrue(lines.get(0).startsWith("1\t0=") && lines.get(0).contains("\t1="), lines.get(0));
            assertTrue(lines.get(1).startsWith("0\t"), lines.get(1));
            assertTrue(Files.readString(html).contains(">superb</span>"));

            SentimentCli.Predict fromStdin = new SentimentCli.Predict();
            new CommandLine(fromStdin).parseArgs("--model", bundle.toString(), "--json");
            List<String> json = fromStdin.run(c, new BufferedReader(new StringReader("great movie\n\nit was awful\n")),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals(3, json.size());
            JsonNode first = SentimentCli.JSON.readTree(json.get(0));
            assertEquals("1", first.get("label").asText());
            assertEquals(2, first.at("/sentences/0/words").size());
            assertTrue(SentimentCli.JSON.readTree(json.get(1)).get("empty").asBoolean());
        }
    }

    @Test
    void lmTextWritesTheClassifiersWordsWithoutLabelsOrTheHeldOutPart() throws Exception {
        Path tsv = dir.resolve("reviews.tsv");
        Files.writeString(tsv, "1\tA GREAT film.<br /><br />Loved it!\n0\tDull.\n1\tFine.\n0\tBad.\n");
        SentimentCli.LmText lmText = new SentimentCli.LmText();
        Path out = dir.resolve("lm.txt");
        new CommandLine(lmText).parseArgs("--input", tsv.toString(), "--hierarchical", "--out", out.toString());
        assertEquals(4, lmText.run());
        List<String> lines = Files.readAllLines(out);
        assertEquals("a great film . loved it !", lines.get(0));
        SentimentCli.LmText held = new SentimentCli.LmText();
        new CommandLine(held).parseArgs("--input", tsv.toString(), "--dev-fraction", "0.5", "--out", out.toString());
        assertEquals(2, held.run());
    }

    @Test
    void exportThenPredictAndEvaluateTheExportInOnnxRuntime() throws Exception {
        Path export = dir.resolve("model-onnx");
        SentimentCli.Export cmd = new SentimentCli.Export();
        new CommandLine(cmd).parseArgs("--model", bundle.toString(), "--out", export.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(export, cmd.run(new PrintStream(out, true, StandardCharsets.UTF_8)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("exported " + bundle + " to " + export));
        assertTrue(TextClassifier.isOnnxExport(export));

        SentimentCli.Evaluate evaluate = new SentimentCli.Evaluate();
        new CommandLine(evaluate).parseArgs("--model", export.toString(), "--test", dir.resolve("test.txt").toString(),
                "--ort-threads", "2");
        assertEquals(2, evaluate.ort.threads);
        try (TextClassifier djl = TextClassifier.load(bundle);
                TextClassifier onnx = SentimentCli.load(export, evaluate.ort.options())) {
            assertEquals(TextClassifier.Backend.ONNX_RUNTIME, onnx.backend());
            SentimentCli.Evaluate onDjl = new SentimentCli.Evaluate();
            new CommandLine(onDjl).parseArgs("--model", bundle.toString(), "--test", dir.resolve("test.txt").toString());
            ObjectNode a = onDjl.run(djl, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            ObjectNode b = evaluate.run(onnx, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals("onnxruntime", b.get("engine").asText());
            assertEquals(a.get("accuracy").asDouble(), b.get("accuracy").asDouble(), 0.0);
            assertEquals(a.get("report"), b.get("report"));

            SentimentCli.Predict predict = new SentimentCli.Predict();
            new CommandLine(predict).parseArgs("--model", export.toString(), "the movie was superb", "a dull plot");
            List<String> lines = predict.run(onnx, new BufferedReader(new StringReader("")),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertTrue(lines.get(0).startsWith("1\t") && lines.get(1).startsWith("0\t"), lines.toString());
        }
        SentimentCli.Export again = new SentimentCli.Export();
        new CommandLine(again).parseArgs("--model", export.toString(), "--out", dir.resolve("twice").toString());
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> again.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("already an ONNX export"), e.getMessage());
    }
}
