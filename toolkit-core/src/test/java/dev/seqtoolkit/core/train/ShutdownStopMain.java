package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDManager;
import dev.seqtoolkit.core.engine.Engines;

import java.nio.file.Path;

/** Run in a child JVM by {@link ShutdownStopTest}: trains the tiny regression until the JVM is shut down. */
public final class ShutdownStopMain {
    private ShutdownStopMain() {}

    public static void main(String[] args) throws Exception {
        try (NDManager manager = Engines.newManager()) {
            TinyRegression task = new TinyRegression(manager);
            ToolkitTrainer.<TinyRegression.Batch>builder()
                    .setTask(task)
                    .setTrainingData(task.source(3))
                    .setOptimizer(AdamOptimizer.builder().build())
                    .setSchedule(LearningRateSchedule.fixed(0.01f))
                    .setEpochs(Integer.MAX_VALUE)
                    .optRunDirectory(Path.of(args[0]))
                    .optKeepCheckpoints(2)
                    .optPlot(false)
                    .optProgressBar(false)
                    .build()
                    .fit();
        }
    }
}
