package dev.seqtoolkit.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.io.BundleException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny real model trained for a few seconds on a synthetic corpus: save, load, threads, bad bundles. */
class TrainedTranslatorTest {
    @TempDir
    static Path dir;
    static Translator translator;
    static List<String> testSources;

    static TranslatorConfig tinyConfig() {
        ObjectNode model = TranslatorConfig.JSON.createObjectNode();
        model.put("embeddingSize", 8);
        model.put("encoderHiddenSize", 5);
        model.put("decoderHiddenSize", 7);
        model.put("bridge", "LINEAR");
        model.put("attention", "ADDITIVE");
        model.put("attentionHiddenSize", 6);
        return TranslatorConfig.defaults()
                .withPipeline(new TranslatorConfig.Pipeline(40, true, false, 1, 0, 64))
                .withModel(model)
                .withTraining(new TranslatorConfig.Training(3, 16, 0, 30, TranslatorConfig.OptimizerKind.ADAM, 0.01f,
                        TranslatorConfig.ScheduleKind.FIXED, 1f, TranslatorConfig.StopMetric.BLEU, 0, 0, 7))
                .withDecoding(new TranslatorConfig.Decoding(3, 0.6, 1.5, 5, true, 8));
    }

    @BeforeAll
    static void train() throws IOException {
        List<String[]> pairs = Fixtures.pairs(160, 21);
        Files.write(dir.resolve("train.en"), Fixtures.side(pairs, 0));
        Files.write(dir.resolve("train.de"), Fixtures.side(pairs, 1));
        List<String[]> dev = Fixtures.pairs(12, 22);
        Files.write(dir.resolve("val.en"), Fixtures.side(dev, 0));
        Files.write(dir.resolve("val.de"), Fixtures.side(dev, 1));
        testSources = Fixtures.side(Fixtures.pairs(10, 23), 0);
        translator = Translator.train(tinyConfig(), dir.resolve("train.en"), dir.resolve("train.de"),
                dir.resolve("val.en"), dir.resolve("val.de"), dir.resolve("run"), false);
    }

    @AfterAll
    static void close() {
        if (translator != null) {
            translator.close();
        }
    }

    @Test
    void trainingRanEveryEpochAndWroteItsRunDirectory() {
        assertEquals(3, translator.trainingResult().orElseThrow().epochsCompleted());
        assertTrue(translator.trainingResult().orElseThrow().finalDevMetrics().containsKey("bleu"));
        assertTrue(Files.exists(dir.resolve("run").resolve("metrics.jsonl")));
    }

    @Test
    void resumingTheRunForOneMoreEpochEqualsTrainingFourEpochsAtOnce() throws IOException {
        Path run = dir.resolve("run-resumed");
        TranslatorConfig three = tinyConfig();
        TranslatorConfig four = three.withTraining(new TranslatorConfig.Training(4, 16, 0, 30,
                TranslatorConfig.OptimizerKind.ADAM, 0.01f, TranslatorConfig.ScheduleKind.FIXED, 1f,
                TranslatorConfig.StopMetric.BLEU, 0, 0, 7));
        Path[] files = {dir.resolve("train.en"), dir.resolve("train.de"), dir.resolve("val.en"), dir.resolve("val.de")};
        long stepsOfThree;
        try (Translator first = Translator.train(three, files[0], files[1], files[2], files[3], run, false)) {
            stepsOfThree = first.trainingResult().orElseThrow().globalSteps();
        }
        try (Translator resumed = Translator.resume(four, files[0], files[1], files[2], files[3], run, false);
                Translator straight = Translator.train(four, files[0], files[1], files[2], files[3],
                        dir.resolve("run-straight"), false)) {
            assertEquals(4, resumed.trainingResult().orElseThrow().epochsCompleted());
            assertEquals(stepsOfThree * 4 / 3, resumed.trainingResult().orElseThrow().globalSteps());
            assertEquals(straight.translate(testSources), resumed.translate(testSources),
                    "the resumed run continues exactly where the first stopped");
            assertEquals(straight.translateNBest(testSources.get(0), 3), resumed.translateNBest(testSources.get(0), 3),
                    "scores to the last bit");
        }
        assertThrows(IllegalArgumentException.class,
                () -> Translator.resume(four, files[0], files[1], files[2], files[3], null, false));
    }

    @Test
    void savedTranslatorLoadsAndTranslatesIdentically() throws IOException {
        Path bundle = dir.resolve("model");
        translator.save(bundle);
        try (Translator loaded = Translator.load(bundle)) {
            assertEquals(translator.translate(testSources), loaded.translate(testSources));
            assertEquals(translator.translateNBest(testSources.get(0), 3), loaded.translateNBest(testSources.get(0), 3));
            assertEquals(translator.config(), loaded.config());
        }
    }

    @Test
    void concurrentCallsOnTheDjlModelMatchSequentialOnes() throws Exception {
        List<String> expected = new ArrayList<>();
        for (String s : testSources) {
            expected.add(translator.translate(s));
        }
        assertEquals(expected, translator.translate(testSources), "batched equals one by one");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                futures.add(pool.submit(() -> {
                    List<String> out = new ArrayList<>();
                    for (String s : testSources) {
                        out.add(translator.translate(s));
                    }
                    return out;
                }));
            }
            for (Future<List<String>> f : futures) {
                assertEquals(expected, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void missingModelFailsNamingTheDirectory() {
        Path missing = dir.resolve("no-such-model");
        IOException e = assertThrows(IOException.class, () -> Translator.load(missing));
        assertTrue(e.getMessage().contains("no-such-model") && e.getMessage().contains("no such directory"), e.getMessage());
    }

    @Test
    void corruptParametersFailNamingTheFile() throws IOException {
        Path bundle = dir.resolve("corrupt");
        translator.save(bundle);
        Path parameters = bundle.resolve("parameters.bin");
        byte[] bytes = Files.readAllBytes(parameters);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(parameters, bytes);
        BundleException e = assertThrows(BundleException.class, () -> Translator.load(bundle));
        assertTrue(e.getMessage().contains("parameters.bin") && e.getMessage().contains("modified"), e.getMessage());
        Files.write(parameters, new byte[10], StandardOpenOption.TRUNCATE_EXISTING);
        e = assertThrows(BundleException.class, () -> Translator.load(bundle));
        assertTrue(e.getMessage().contains("parameters.bin") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void bundleWithoutManifestFailsSayingSo() throws IOException {
        Path bundle = dir.resolve("no-manifest");
        translator.save(bundle);
        Files.delete(bundle.resolve("manifest.json"));
        BundleException e = assertThrows(BundleException.class, () -> Translator.load(bundle));
        assertTrue(e.getMessage().contains("manifest.json is missing"), e.getMessage());
    }
}
