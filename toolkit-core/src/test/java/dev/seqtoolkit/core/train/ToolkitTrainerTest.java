package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ToolkitTrainerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    @TempDir Path dir;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Engines.newManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static ToolkitTrainer.Builder<TinyRegression.Batch> base(TinyRegression task) {
        return ToolkitTrainer.<TinyRegression.Batch>builder()
                .setTask(task)
                .setTrainingData(task.source(3))
                .setOptimizer(AdamOptimizer.builder().build())
                .setSchedule(LearningRateSchedule.fixed(0.1f))
                .optProgressBar(false);
    }

    @Test
    void lossDecreasesBelowABound() throws IOException {
        TinyRegression task = new TinyRegression(manager);
        LossEvaluator<TinyRegression.Batch> dev = new LossEvaluator<>(task, task.source(9));
        double before;
        try (NDManager m = manager.newSubManager()) {
            before = dev.evaluate(m, new ai.djl.training.ParameterStore(m, false)).get("loss");
        }
        TrainingResult result = base(task).setEpochs(40).optDevEvaluator(dev).build().fit();
        assertEquals(40 * 6, result.globalSteps());
        assertEquals(40, result.epochsCompleted());
        assertTrue(before > 3, "initial dev loss " + before);
        assertTrue(result.finalDevMetrics().get("loss") < 0.01, "final dev loss " + result.finalDevMetrics());
        assertTrue(result.finalTrainLoss() < 0.02, "final train loss " + result.finalTrainLoss());
        assertTrue(result.unitsPerSecond() > 0);
    }

    @Test
    void resumeEqualsStraightTraining() throws IOException {
        // 2N = 16 steps (2 epochs and 4 batches), N = 8 crosses an epoch boundary and stops mid-epoch
        TinyRegression straightTask = new TinyRegression(manager);
        resumable(straightTask, 16).optRunDirectory(dir.resolve("straight")).build().fit();
        float[] expected = straightTask.parameters();

        Path run = dir.resolve("split");
        TinyRegression first = new TinyRegression(manager);
        TrainingResult half = resumable(first, 8).optRunDirectory(run).build().fit();
        assertEquals(8, half.globalSteps());
        assertFalse(Arrays.equals(expected, first.parameters()));

        TinyRegression second = new TinyRegression(manager); // fresh parameters: all state must come from the checkpoint
        TrainingResult rest = resumable(second, 16).build().resume(run);
        assertEquals(16, rest.globalSteps());
        assertArrayEquals(expected, second.parameters(), 1e-6f);
    }

    private static ToolkitTrainer.Builder<TinyRegression.Batch> resumable(TinyRegression task, long maxSteps) {
        return ToolkitTrainer.<TinyRegression.Batch>builder()
                .setTask(task)
                .setTrainingData(task.source(5))
                .setOptimizer(AdamOptimizer.builder().build())
                .setSchedule(LearningRateSchedule.warmup(LearningRateSchedule.exponentialDecay(0.05f, 0.9f, 3), 4))
                .optClipping(GradientClipping.byGlobalNorm(1f))
                .setEpochs(10)
                .optMaxSteps(maxSteps)
                .optCheckpointEverySteps(4)
                .optProgressBar(false);
    }

    @Test
    void nonFiniteLossStopsNamingTheStepAndKeepsTheLastCheckpoint() throws IOException {
        TinyRegression task = new TinyRegression(manager);
        task.nanAtCall = 7;
        Path run = dir.resolve("run");
        ToolkitTrainer<TinyRegression.Batch> trainer =
                base(task).setEpochs(3).optRunDirectory(run).optCheckpointEverySteps(2).build();
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class, trainer::fit);
        assertEquals(7, e.step());
        assertTrue(e.getMessage().contains("step 7"), e.getMessage());
        CheckpointStore store = new CheckpointStore(run, 3);
        Path last = store.latest().orElseThrow();
        assertEquals(last, e.lastCheckpoint());
        // epoch end after step 6 writes step 6; it must be complete and verified
        assertEquals("step-000000000006", last.getFileName().toString());
        CheckpointStore.Checkpoint checkpoint = CheckpointStore.read(last);
        assertEquals(6, checkpoint.state().globalStep);
        for (float f : task.parameters()) {
            assertTrue(Float.isFinite(f), "parameters must not be updated with a NaN step");
        }
        // the run continues from the good checkpoint once the problem is gone
        TinyRegression fixed = new TinyRegression(manager);
        TrainingResult result = base(fixed).setEpochs(3).build().resume(run);
        assertEquals(18, result.globalSteps());
    }

    @Test
    void checkpointSurvivesAFailureWhileWritingTheNext() throws IOException {
        TinyRegression task = new TinyRegression(manager);
        Path run = dir.resolve("run");
        ToolkitTrainer<TinyRegression.Batch> trainer =
                base(task).setEpochs(2).optRunDirectory(run).optCheckpointEverySteps(4).build();
        int[] commits = {0};
        trainer.setCheckpointHook(temp -> {
            if (++commits[0] == 2) { // step 6 (epoch end): crash after all files were written, before the rename
                throw new IOException("power failure (simulated)");
            }
        });
        IOException e = assertThrows(IOException.class, trainer::fit);
        assertTrue(e.getMessage().contains("simulated"));
        CheckpointStore store = new CheckpointStore(run, 3);
        assertEquals(1, store.list().size());
        Path last = store.latest().orElseThrow();
        assertEquals(4, CheckpointStore.read(last).state().globalStep);
        try (var entries = Files.list(store.directory())) {
            assertEquals(List.of(last), entries.toList(), "temporary checkpoint directory left behind");
        }
        TinyRegression again = new TinyRegression(manager);
        assertEquals(12, base(again).setEpochs(2).build().resume(run).globalSteps());
        assertEquals(3, store.list().size(), "keeps the newest 3");
    }

    @Test
    void earlyStoppingRestoresTheBestEpoch() throws IOException {
        TinyRegression task = new TinyRegression(manager);
        double[] script = {3.0, 2.0, 1.5, 1.8, 1.6, 1.7, 0.1};
        List<float[]> seen = new ArrayList<>();
        Evaluator scripted = (m, ps) -> {
            seen.add(task.parameters());
            return Map.of("loss", script[seen.size() - 1]);
        };
        Path run = dir.resolve("run");
        TrainingResult result = base(task).setEpochs(7).optRunDirectory(run).optLogEverySteps(4)
                .optDevEvaluator(scripted)
                .optEarlyStopping(EarlyStopping.builder().setMetric("loss").optMode(MetricMode.MIN).optPatience(3).build())
                .build().fit();
        assertTrue(result.stoppedEarly());
        assertEquals(2, result.bestEpoch());
        assertEquals(1.5, result.bestMetric(), 0);
        assertEquals(6, seen.size(), "stops after 3 epochs without improvement");
        assertEquals(6, result.epochsCompleted());
        assertArrayEquals(seen.get(2), task.parameters(), 0f);
        assertFalse(Arrays.equals(seen.get(5), task.parameters()));

        // metrics.jsonl: 36 steps / 4 = 9 step lines, 6 epoch lines, all parse
        List<String> lines = Files.readAllLines(run.resolve(ToolkitTrainer.METRICS));
        int stepLines = 0;
        int epochLines = 0;
        for (String line : lines) {
            JsonNode node = MAPPER.readTree(line);
            assertTrue(node.has("step") && node.has("epoch") && node.has("trainLoss") && node.has("learningRate")
                    && node.has("unitsPerSecond") && node.has("elapsedSeconds"), line);
            if (node.get("type").asText().equals("epoch")) {
                epochLines++;
                assertEquals(script[epochLines - 1], node.get("dev").get("loss").asDouble(), 0);
            } else {
                stepLines++;
            }
        }
        assertEquals(9, stepLines);
        assertEquals(6, epochLines);

        byte[] png = Files.readAllBytes(run.resolve(ToolkitTrainer.PLOT));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(png, 8));
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(run.resolve(ToolkitTrainer.PLOT).toFile());
        assertEquals(640, image.getWidth());
    }

    @Test
    void clippedGradientIsWhatTheOptimizerApplies() throws IOException {
        // SGD with lr 1: the update equals the clipped gradient, so its global norm must be exactly the threshold
        for (GradientClipping clipping : List.of(GradientClipping.byGlobalNorm(1e-3f), GradientClipping.byNorm(1e-3f))) {
            TinyRegression task = new TinyRegression(manager);
            float[] before = task.parameters();
            base(task).setOptimizer(SgdOptimizer.builder().build()).setSchedule(LearningRateSchedule.fixed(1f))
                    .optClipping(clipping).setEpochs(1).optMaxSteps(1).build().fit();
            float[] after = task.parameters();
            double weightSq = 0;
            double biasSq = 0;
            for (int i = 0; i < after.length; i++) {
                double d = after[i] - before[i];
                if (i < TinyRegression.FEATURES) {
                    weightSq += d * d;
                } else {
                    biasSq += d * d;
                }
            }
            if (clipping.toString().startsWith("global")) {
                assertEquals(1e-3, Math.sqrt(weightSq + biasSq), 1e-6, clipping.toString());
            } else {
                assertEquals(1e-3, Math.sqrt(weightSq), 1e-6, "weight, " + clipping);
                assertEquals(1e-3, Math.sqrt(biasSq), 1e-6, "bias, " + clipping);
            }
        }
    }

    @Test
    void fitRefusesARunDirectoryWithCheckpoints() throws IOException {
        TinyRegression task = new TinyRegression(manager);
        Path run = dir.resolve("run");
        base(task).setEpochs(1).optRunDirectory(run).build().fit();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> base(task).setEpochs(1).optRunDirectory(run).build().fit());
        assertTrue(e.getMessage().contains(run.toString()), e.getMessage());
    }

    @Test
    void builderNamesMissingAndBadSettings() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ToolkitTrainer.builder().setEpochs(1).build());
        assertTrue(e.getMessage().contains("setTask") && e.getMessage().contains("setOptimizer"), e.getMessage());
        TinyRegression task = new TinyRegression(manager);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> base(task).setEpochs(0).build());
        assertTrue(bad.getMessage().contains("epochs") && bad.getMessage().contains("0"), bad.getMessage());
    }
}
