package dev.seqtoolkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code summarize train}, {@code evaluate} and {@code summarize} on a tiny CNN/DM-format data
 * directory whose reference is always the one sentence holding a marker word, never the first:
 * a trained extractor must beat Lead-1, which the evaluate record shows side by side.
 */
class SummarizeCliTrainTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;
    static ObjectNode trainRecord;

    @BeforeAll
    static void trainOnce() throws IOException {
        Files.createDirectories(dir.resolve("data/cnndm"));
        writeJsonlGz(dir.resolve("data/cnndm/train.jsonl.gz"), 200, 1);
        writeJsonlGz(dir.resolve("data/cnndm/val.jsonl.gz"), 30, 2);
        Files.writeString(dir.resolve("config.json"), """
                {"mode": "EXTRACTIVE", "extractive": {"embeddingSize": 8, "hiddenSize": 8, "sentenceHiddenSize": 6,
                 "positionSize": 4, "dropout": 0, "maxSentences": 8, "maxWordsPerSentence": 12, "epochs": 6,
                 "batchSize": 16, "learningRate": 0.02, "summarySentences": 1, "oracleSentences": 1,
                 "earlyStopping": "LOSS"}}
                """);
        model = dir.resolve("model");
        SummarizeCli.Train train = new SummarizeCli.Train();
        new CommandLine(train).parseArgs("--config", dir.resolve("config.json").toString(), "--dataset", "cnndm",
                "--data-dir", dir.resolve("data").toString(), "--dev-limit", "20", "--out", model.toString(),
                "--no-progress", "--result", dir.resolve("train.json").toString());
        trainRecord = train.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** Documents of 3-5 filler sentences; sentence 2..n holds the marker and is the highlight. */
    static void writeJsonlGz(Path file, int n, long seed) throws IOException {
        String[] fill = {"the", "council", "said", "on", "monday", "a", "report", "new", "city", "plan", "was"};
        Random r = new Random(seed);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < n; i++) {
                int sentences = 3 + r.nextInt(3);
                int marker = 1 + r.nextInt(sentences - 1);
                List<String> parts = new ArrayList<>();
                String highlight = null;
                for (int s = 0; s < sentences; s++) {
                    List<String> words = new ArrayList<>();
                    for (int w = 0; w < 5 + r.nextInt(4); w++) {
                        words.add(fill[r.nextInt(fill.length)]);
                    }
                    if (s == marker) {
                        words.add(r.nextInt(words.size()), "zebra");
                    }
                    String sentence = String.join(" ", words) + " .";
                    parts.add(sentence);
                    if (s == marker) {
                        highlight = sentence;
                    }
                }
                ObjectNode line = JSON.createObjectNode().put("id", i).put("article", String.join(" ", parts));
                ArrayNode highlights = line.putArray("highlights");
                highlights.add(highlight);
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void trainWritesTheBundleAndARecord() throws IOException {
        assertTrue(Files.isDirectory(model));
        assertEquals("cnndm", trainRecord.get("dataset").asText());
        assertEquals("train", trainRecord.get("split").asText());
        assertEquals(200, trainRecord.get("train_examples").asInt());
        assertEquals(20, trainRecord.get("dev_examples").asInt());
        assertEquals(JSON.readTree(trainRecord.toString()), JSON.readTree(dir.resolve("train.json").toFile()));
        assertTrue(trainRecord.get("command").asText().startsWith("bin/seqtk summarize train --config"));
    }

    @Test
    void evaluateScoresTheModelAndLeadSideBySide() throws IOException {
        SummarizeCli.Evaluate evaluate = new SummarizeCli.Evaluate();
        new CommandLine(evaluate).parseArgs("--model", model.toString(), "--dataset", "cnndm", "--data-dir",
                dir.resolve("data").toString(), "--lead", "1", "--result", dir.resolve("eval.json").toString(),
                "--candidates", dir.resolve("candidates.jsonl").toString());
        ObjectNode node = evaluate.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        List<String> lines = Files.readAllLines(dir.resolve("candidates.jsonl"));
        assertEquals(30, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals("0", first.get("id").asText());
        assertTrue(first.get("candidate").asText().contains("zebra"), first.toString());
        assertTrue(first.get("reference").asText().contains("zebra"), first.toString());
        assertEquals("val", node.get("split").asText());
        assertEquals(30, node.get("examples").asInt());
        double model = node.get("rouge1").asDouble();
        double lead = node.get("lead1").get("rouge1").asDouble();
        // the marker sentence is never first: lead-1 shares only filler words, the extractor finds it
        assertTrue(model > 90, "model ROUGE-1 " + model);
        assertTrue(lead < model - 20, "lead-1 ROUGE-1 " + lead + " vs model " + model);
        assertTrue(node.has("repeated_trigram_rate"));
    }

    @Test
    void summarizeCommandPrintsTheMarkerSentence() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new SummarizeCli.Summarize()).execute("--model", model.toString(),
                    "the council said a plan . the zebra was new on monday . a report was said .");
            assertEquals(0, code);
        } finally {
            System.setOut(saved);
        }
        assertEquals("the zebra was new on monday .", out.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void exportRefusesTheExtractiveModelAndLeavesNoDirectory() {
        SummarizeCli.Export export = new SummarizeCli.Export();
        Path out = dir.resolve("extractive-onnx");
        new CommandLine(export).parseArgs("--model", model.toString(), "--out", out.toString());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> export.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("extractive"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void lengthOptionsAreExclusive() {
        SummarizeCli.Evaluate evaluate = new SummarizeCli.Evaluate();
        new CommandLine(evaluate).parseArgs("--model", model.toString(), "--dataset", "cnndm", "--data-dir",
                dir.resolve("data").toString(), "--sentences", "2", "--words", "10");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> evaluate.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("--sentences or --words"), e.getMessage());
    }
}
