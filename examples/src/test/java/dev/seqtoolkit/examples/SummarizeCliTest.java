package dev.seqtoolkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The baseline subcommand on a tiny SAMSum-format CSV in a temporary data directory. */
class SummarizeCliTest {

    @TempDir
    static Path data;

    @BeforeAll
    static void corpus() throws IOException {
        Files.createDirectories(data.resolve("samsum"));
        // Dialogue 1: its first three turns are exactly the reference (ROUGE 100);
        // dialogue 2: no word in common with its reference (ROUGE 0). Means: 50 everywhere.
        Files.writeString(data.resolve("samsum/validation.csv"), "id,dialogue,summary\r\n"
                + "1,\"A: x y\r\nB: z\r\nA: w\r\nB: later\",\"A: x y\nB: z\nA: w\"\r\n"
                + "2,\"P: hello\nQ: hi\",nothing in common\r\n", StandardCharsets.UTF_8);
    }

    private static ObjectNode run(SummarizeCli.Baseline baseline, String... args) throws IOException {
        new CommandLine(baseline).parseArgs(args);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return baseline.run(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void leadThreeOnATinyCsvWritesAResultRecord() throws IOException {
        Path result = data.resolve("out/result.json");
        SummarizeCli.Baseline baseline = new SummarizeCli.Baseline();
        ObjectNode node = run(baseline, "--dataset", "samsum", "--data-dir", data.toString(), "--method", "lead", "-n", "3",
                "--result", result.toString());
        assertEquals(50.0, node.get("rouge1").asDouble(), 1e-9);
        assertEquals(50.0, node.get("rouge2").asDouble(), 1e-9);
        assertEquals(50.0, node.get("rougeL").asDouble(), 1e-9);
        assertEquals(0.0, node.get("repeated_trigram_rate").asDouble());
        assertEquals("samsum", node.get("dataset").asText());
        assertEquals("validation", node.get("split").asText());
        assertEquals(2, node.get("examples").asInt());
        assertEquals("lead-3 (first 3 turns, one per line)", node.get("baseline").asText());
        assertTrue(node.get("command").asText().startsWith("bin/seqtk summarize baseline --dataset samsum"),
                node.get("command").asText());
        for (String field : new String[] {"commit", "date", "machine", "engine", "rouge_conventions"}) {
            assertTrue(node.has(field), field);
        }
        JsonNode written = new ObjectMapper().readTree(result.toFile());
        assertEquals(node, written);
    }

    @Test
    void firstWordsLimitAndBadMethod() throws IOException {
        // first 2 words of dialogue 1: "A: x" -> tokens a x against a x y b z a w: P 2/2, R 2/7.
        ObjectNode node = run(new SummarizeCli.Baseline(), "--dataset", "samsum", "--data-dir", data.toString(),
                "--method", "first-words", "-n", "2", "--limit", "1");
        assertEquals(1, node.get("examples").asInt());
        assertEquals(100.0, node.get("rouge1_precision").asDouble(), 1e-9);
        assertEquals(200.0 / 7, node.get("rouge1_recall").asDouble(), 1e-9);
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> run(new SummarizeCli.Baseline(), "--dataset", "samsum", "--data-dir", data.toString(), "--method", "lead3"));
        assertTrue(e.getMessage().contains("lead3"), e.getMessage());
        IllegalArgumentException split = assertThrows(IllegalArgumentException.class,
                () -> run(new SummarizeCli.Baseline(), "--dataset", "samsum", "--data-dir", data.toString(), "--split", "test"));
        assertTrue(split.getMessage().contains("validation"), split.getMessage());
    }

    @Test
    void recordedCommandQuotesArgumentsThatNeedIt() throws IOException {
        ObjectNode node = run(new SummarizeCli.Baseline(), "--dataset", "samsum", "--data-dir", data.toString(),
                "--note", "it's a note");
        assertTrue(node.get("command").asText().endsWith(" --note 'it'\\''s a note'"), node.get("command").asText());
        assertEquals("it's a note", node.get("note").asText());
        assertEquals("samsum/validation.csv", SummarizeCli.shellQuoted("samsum/validation.csv"));
        assertEquals("''", SummarizeCli.shellQuoted(""));
    }

    @Test
    void topLevelCommandListsTheBaselineSubcommand() {
        CommandLine cli = new CommandLine(new SummarizeCli());
        assertTrue(cli.getSubcommands().containsKey("baseline"));
        assertEquals(0, cli.execute("baseline", "--dataset", "samsum", "--data-dir", data.toString()));
    }
}
