package dev.seqtoolkit.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The example program end to end on a tiny text: train, save, load, generate, evaluate. */
class LanguageModelCliTest {
    private static String execute(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new LanguageModelCli()).execute(args);
            assertEquals(0, code, "exit code of lm " + String.join(" ", args));
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void trainsSavesLoadsAndGenerates(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "the time traveller smiled.\nthe time machine moved.\n".repeat(20));
        Path model = dir.resolve("model");
        String trained = execute("train", "--text", text.toString(), "--out", model.toString(), "--epochs", "30",
                "--hidden", "32", "--batch", "4", "--steps", "10", "--optimizer", "ADAM", "--lr", "0.02",
                "--no-progress", "--sample", "the time");
        assertTrue(trained.contains("held-out perplexity"), trained);
        assertTrue(Files.exists(model.resolve("parameters.bin")));
        String generated = execute("generate", "--model", model.toString(), "--length", "12", "the time trav");
        assertEquals("the time traveller smil", generated.strip().substring(0, 23), generated);
        String sampled = execute("generate", "--model", model.toString(), "--length", "12", "--temperature", "0.7",
                "--top-k", "3", "--seed", "5", "the");
        assertTrue(sampled.startsWith("the") && sampled.strip().length() == 15, sampled);
        Path onnx = dir.resolve("model.onnx");
        assertTrue(execute("export", "--model", model.toString(), "--out", onnx.toString()).contains("exported"));
        assertEquals(generated, execute("generate", "--model", onnx.toString(), "--length", "12", "the time trav"),
                "greedy text from the ONNX export in ONNX Runtime");
        Path result = dir.resolve("result.json");
        String evaluated = execute("evaluate", "--model", model.toString(), "--text", text.toString(), "--batch", "2",
                "--tail", "0.5", "--sample", "the", "--result", result.toString());
        double perplexity = Double.parseDouble(evaluated.replaceAll("(?s).*perplexity ([0-9.]+).*", "$1"));
        assertTrue(perplexity > 1 && perplexity < 2, evaluated);
        var record = new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.toFile());
        assertEquals(perplexity, record.get("perplexity").asDouble(), 5e-4);
        assertEquals("last 50% of the text", record.get("split").asText());
        assertTrue(record.get("samples").get("greedy").asText().startsWith("the"));
        for (String field : new String[] {"command", "commit", "date", "machine", "engine", "dataset"}) {
            assertTrue(record.has(field), field + " in " + record);
        }
    }

    @Test
    void missingModelFailsNamingTheFile(@TempDir Path dir) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new LanguageModelCli()).execute("generate", "--model", dir.resolve("nope").toString(), "x");
            assertNotEquals(0, code);
        } finally {
            System.setErr(original);
        }
        assertTrue(buffer.toString(StandardCharsets.UTF_8).contains("nope"), buffer.toString(StandardCharsets.UTF_8));
    }
}
