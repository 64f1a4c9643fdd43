package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDManager;
import dev.seqtoolkit.core.engine.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A JVM shut down with SIGTERM in the middle of training stops after a step, leaves a checkpoint of
 * that very step, says so, does not crash in native code, and the run resumes from it.
 */
class ShutdownStopTest {
    private static final Pattern STOPPED = Pattern.compile("Training stopped at step (\\d+) .*checkpoint (\\S+);");

    @TempDir Path dir;

    @Test
    void sigtermStopsAtAStepWithACheckpointAndTheRunResumes() throws Exception {
        Path runDir = dir.resolve("run");
        Path stderr = dir.resolve("stderr.txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String property : new String[] {"toolkit.engine", "ai.djl.default_engine", "ai.djl.offline",
            "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads"}) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ShutdownStopMain.class.getName());
        command.add(runDir.toString());
        Process child = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
        try {
            CheckpointStore store = new CheckpointStore(runDir, 2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.isDirectory(runDir) || store.latest().isEmpty()) {
                assertTrue(child.isAlive(), () -> "the child ended early: " + read(stderr));
                assertTrue(System.nanoTime() < deadline, () -> "no checkpoint within 60 s: " + read(stderr));
                Thread.sleep(50);
            }
            Thread.sleep(300); // well inside the run
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not stop within 60 s of SIGTERM");
        } finally {
            child.destroyForcibly();
        }
        String err = read(stderr);
        assertEquals(143, child.exitValue(), () -> "exit code after SIGTERM; stderr: " + err);
        assertFalse(err.contains("fatal error"), () -> "the JVM crashed: " + err);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")), "hs_err file written");
        }
        Matcher m = STOPPED.matcher(err);
        assertTrue(m.find(), () -> "no stop message: " + err);
        long step = Long.parseLong(m.group(1));
        Path latest = new CheckpointStore(runDir, 2).latest().orElseThrow();
        assertEquals(Path.of(m.group(2)), latest, "the message names the latest checkpoint");
        assertEquals(step, CheckpointStore.read(latest).state().globalStep, "the checkpoint is of the stopping step");
        assertTrue(step > 0);

        try (NDManager manager = Engines.newManager()) {
            TinyRegression task = new TinyRegression(manager);
            TrainingResult resumed = ToolkitTrainer.<TinyRegression.Batch>builder()
                    .setTask(task)
                    .setTrainingData(task.source(3))
                    .setOptimizer(AdamOptimizer.builder().build())
                    .setSchedule(LearningRateSchedule.fixed(0.01f))
                    .setEpochs((int) (step / 6) + 2)
                    .optKeepCheckpoints(2)
                    .optPlot(false)
                    .optProgressBar(false)
                    .build()
                    .resume(runDir);
            assertEquals(((int) (step / 6) + 2) * 6L, resumed.globalSteps(), "the resumed run continues to its end");
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
