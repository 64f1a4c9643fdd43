package dev.seqtoolkit.core.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.AtomicFiles;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Trains a {@link TrainingTask} with DJL's {@link Trainer} (gradient collector, {@code step()}),
 * a {@link CheckpointableOptimizer}, a {@link LearningRateSchedule}, {@link GradientClipping},
 * optional dev evaluation with {@link EarlyStopping}, atomic checkpoints with exact resume, a console
 * progress bar, {@code metrics.jsonl} and a {@code loss.png} plot in the run directory.
 *
 * <p>Single device (the engine's default). Each step runs in its own sub-manager.
 *
 * <p>A JVM shutdown during a run (Ctrl-C, SIGTERM) stops it after the current step: the run
 * directory gets a checkpoint of that step, a line on standard error names it, and {@link
 * #resume(Path)} continues from it (see {@link Builder#optShutdownGraceSeconds}).
 */
public final class ToolkitTrainer<B> {
    static final String BEST_PARAMETERS = "best-parameters.bin";
    static final String METRICS = "metrics.jsonl";
    static final String PLOT = "loss.png";
    /** How long a JVM shutdown waits for the current step and its checkpoint, by default. */
    public static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 120;

    private final TrainingTask<B> task;
    private final BatchSource<B> trainData;
    private final CheckpointableOptimizer optimizer;
    private final LearningRateSchedule schedule;
    private final GradientClipping clipping;
    private final Evaluator devEvaluator;
    private final EarlyStopping earlyStopping;
    private final int epochs;
    private final long maxSteps;
    private final int checkpointEverySteps;
    private final int keepCheckpoints;
    private final int logEverySteps;
    private final long seed;
    private final boolean progressBar;
    private final boolean plot;
    private final int shutdownGraceSeconds;
    private Path runDirectory;
    private CheckpointStore.BeforeCommit checkpointHook = dir -> {};
    private ShutdownStop shutdown = ShutdownStop.none();

    private ToolkitTrainer(Builder<B> b) {
        task = b.task;
        trainData = b.trainData;
        optimizer = b.optimizer;
        schedule = b.schedule;
        clipping = b.clipping;
        devEvaluator = b.devEvaluator;
        earlyStopping = b.earlyStopping;
        epochs = b.epochs;
        maxSteps = b.maxSteps;
        checkpointEverySteps = b.checkpointEverySteps;
        keepCheckpoints = b.keepCheckpoints;
        logEverySteps = b.logEverySteps;
        shutdownGraceSeconds = b.shutdownGraceSeconds;
        seed = b.seed;
        progressBar = b.progressBar;
        plot = b.plot;
        runDirectory = b.runDirectory;
    }

    public static <B> Builder<B> builder() {
        return new Builder<>();
    }

    /** Test hook: runs inside every checkpoint's temporary directory just before it is committed. */
    void setCheckpointHook(CheckpointStore.BeforeCommit hook) {
        this.checkpointHook = hook;
    }

    /**
     * Trains from the block's current parameters. Refuses a run directory that already holds
     * checkpoints (use {@link #resume(Path)}), so an earlier run is never overwritten.
     */
    public TrainingResult fit() throws IOException {
        if (runDirectory != null && new CheckpointStore(runDirectory, keepCheckpoints).latest().isPresent()) {
            throw new IllegalStateException("Run directory " + runDirectory
                    + " already holds checkpoints; resume it with resume(runDir) or choose another directory");
        }
        TrainerState state = new TrainerState();
        state.seed = seed;
        return run(state, null);
    }

    /**
     * Continues the run in {@code runDir} from its last checkpoint with the same parameters, optimizer
     * state, schedule state, step count and data order. The block must have the saved structure.
     */
    public TrainingResult resume(Path runDir) throws IOException {
        this.runDirectory = Objects.requireNonNull(runDir, "runDir");
        CheckpointStore store = new CheckpointStore(runDir, keepCheckpoints);
        Path checkpoint = store.latest().orElseThrow(() -> new IllegalStateException(
                "Cannot resume: " + store.directory() + " holds no complete checkpoint"));
        CheckpointStore.Checkpoint saved = CheckpointStore.read(checkpoint);
        try (InputStream in = Files.newInputStream(checkpoint.resolve(CheckpointStore.PARAMETERS))) {
            CheckpointStore.loadParameters(task.block(), in, checkpoint.resolve(CheckpointStore.PARAMETERS).toString());
        }
        new MetricsLog(runDir.resolve(METRICS)).truncateAfter(saved.state().globalStep);
        return run(saved.state(), checkpoint);
    }

    private TrainingResult run(TrainerState state, Path resumedFrom) throws IOException {
        Block block = task.block();
        CheckpointStore store = runDirectory == null ? null : new CheckpointStore(runDirectory, keepCheckpoints);
        if (store != null) {
            store.setBeforeCommit(checkpointHook);
        }
        MetricsLog metrics = runDirectory == null ? null : new MetricsLog(runDirectory.resolve(METRICS));
        byte[] bestParameters = null;
        if (resumedFrom != null && state.bestEpoch >= 0 && earlyStopping != null) {
            bestParameters = Files.readAllBytes(runDirectory.resolve(BEST_PARAMETERS));
        }
        if (resumedFrom != null && state.schedule != null) {
            schedule.restore(state.schedule);
        }
        RunProgress progress = new RunProgress(state, resumedFrom);
        shutdown = shutdownGraceSeconds <= 0 ? ShutdownStop.none() : ShutdownStop.register(shutdownGraceSeconds,
                "Shutting down as training ended; what was to follow it did not run"
                        + (runDirectory == null ? "" : " (the last checkpoint is in " + runDirectory + ")"));
        try (ShutdownStop guard = shutdown;
                Model model = Model.newInstance("seqtoolkit-train", Engines.configuredName())) {
            model.setBlock(block);
            Device device = model.getNDManager().getDevice();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()) // unused: the task computes the loss
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {device});
            try (Trainer trainer = model.newTrainer(config);
                    NDManager optimizerState = model.getNDManager().newSubManager();
                    ProgressDisplay display = ProgressDisplay.open(progressBar, totalSteps(), state.globalStep, task.units())) {
                trainer.initialize(task.inputShapes());
                optimizer.bind(block, optimizerState);
                if (resumedFrom != null) {
                    CheckpointStore.loadOptimizer(resumedFrom, optimizer);
                }
                ParameterStore parameterStore = new ParameterStore(trainer.getManager(), false);
                Engine engine = model.getNDManager().getEngine();
                bestParameters = trainEpochs(state, progress, trainer, parameterStore, engine, block, store, metrics,
                        display, bestParameters);
            }
        }
        if (earlyStopping != null && bestParameters != null) {
            CheckpointStore.loadParameters(block, new ByteArrayInputStream(bestParameters), "best parameters");
        }
        return new TrainingResult(state.globalStep, state.epoch, progress.lastTrainLoss, Map.copyOf(state.lastDevMetrics),
                state.bestMetric == null ? Double.NaN : state.bestMetric, state.bestEpoch, state.stoppedEarly,
                progress.unitsPerSecond(), progress.elapsed(state));
    }

    /** Mutable bookkeeping of one run that is not checkpointed. */
    private static final class RunProgress {
        final long startNanos = System.nanoTime();
        final double elapsedBefore;
        long units;
        long lastCheckpointStep;
        Path lastCheckpoint;
        double lastTrainLoss = Double.NaN;
        double windowLoss;
        long windowUnits;

        RunProgress(TrainerState state, Path resumedFrom) {
            elapsedBefore = state.elapsedSeconds;
            lastCheckpoint = resumedFrom;
            lastCheckpointStep = resumedFrom == null ? -1 : state.globalStep;
            // a resumed run that takes no step (already at its end) still reports the saved loss
            if (state.epochUnits > 0) {
                lastTrainLoss = state.epochLossSum / state.epochUnits;
            } else if (!state.history.isEmpty()) {
                lastTrainLoss = state.history.get(state.history.size() - 1).trainLoss();
            }
        }

        double seconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        double unitsPerSecond() {
            double s = seconds();
            return s > 0 ? units / s : 0;
        }

        double elapsed(TrainerState state) {
            return elapsedBefore + seconds();
        }
    }

    private byte[] trainEpochs(TrainerState state, RunProgress progress, Trainer trainer, ParameterStore parameterStore,
            Engine engine, Block block, CheckpointStore store, MetricsLog metrics, ProgressDisplay display,
            byte[] bestParameters) throws IOException {
        while (state.epoch < epochs && !state.stoppedEarly) {
            task.onEpochStart(state.epoch);
            Iterator<B> batches = trainData.epoch(state.epoch);
            for (int i = 0; i < state.batchInEpoch; i++) {
                if (!batches.hasNext()) {
                    throw new IllegalStateException("Cannot resume: epoch " + state.epoch + " has fewer than "
                            + state.batchInEpoch + " batches now; the data source is not deterministic");
                }
                closeBatch(batches.next());
            }
            while (batches.hasNext()) {
                if (maxSteps > 0 && state.globalStep >= maxSteps) {
                    finish(state, progress, block, store);
                    return bestParameters;
                }
                B batch = batches.next();
                trainStep(state, progress, trainer, parameterStore, engine, block, batch);
                display.update(state.globalStep, state.epoch, progress.lastTrainLoss, progress.unitsPerSecond());
                if (metrics != null && logEverySteps > 0 && state.globalStep % logEverySteps == 0) {
                    ObjectNode line = metrics.newLine("step");
                    fillLine(line, state, progress, progress.windowLoss / progress.windowUnits);
                    metrics.append(line);
                    progress.windowLoss = 0;
                    progress.windowUnits = 0;
                }
                if (store != null && checkpointEverySteps > 0 && state.globalStep % checkpointEverySteps == 0
                        && batches.hasNext()) {
                    checkpoint(state, progress, block, store);
                }
                stopIfShuttingDown(state, progress, block, store);
            }
            bestParameters = endEpoch(state, progress, trainer, block, store, metrics, bestParameters);
            stopIfShuttingDown(state, progress, block, store);
        }
        finish(state, progress, block, store);
        return bestParameters;
    }

    private void trainStep(TrainerState state, RunProgress progress, Trainer trainer, ParameterStore parameterStore,
            Engine engine, Block block, B batch) {
        long stepNumber = state.globalStep + 1;
        optimizer.setLearningRate(schedule.rate(state.globalStep));
        engine.setRandomSeed((int) (Long.hashCode(state.seed * 0x9E3779B97F4A7C15L + state.globalStep) & 0x7fffffff));
        float lossSum;
        long units;
        try (NDManager step = trainer.getManager().newSubManager()) {
            try (GradientCollector collector = trainer.newGradientCollector()) {
                LossResult result = task.loss(step, parameterStore, batch, true);
                lossSum = result.loss().toType(DataType.FLOAT32, false).getFloat();
                units = result.units();
                if (!Float.isFinite(lossSum)) {
                    throw new NonFiniteLossException(stepNumber, state.epoch, state.batchInEpoch, lossSum,
                            progress.lastCheckpoint);
                }
                collector.backward(result.loss().div(units));
            }
            List<NDArray> gradients = new ArrayList<>();
            for (Pair<String, Parameter> pair : block.getParameters()) {
                Parameter parameter = pair.getValue();
                if (parameter.requiresGradient() && parameter.isInitialized()) {
                    NDArray gradient = parameter.getArray().getGradient();
                    gradient.attach(step);
                    gradients.add(gradient);
                }
            }
            clipping.clip(gradients);
            trainer.step();
            for (NDArray gradient : gradients) {
                gradient.subi(gradient); // the PyTorch engine accumulates gradients across backward passes
            }
        } finally {
            closeBatch(batch);
        }
        state.globalStep = stepNumber;
        state.batchInEpoch++;
        state.epochLossSum += lossSum;
        state.epochUnits += units;
        progress.units += units;
        progress.windowLoss += lossSum;
        progress.windowUnits += units;
        progress.lastTrainLoss = state.epochLossSum / state.epochUnits;
    }

    private byte[] endEpoch(TrainerState state, RunProgress progress, Trainer trainer, Block block,
            CheckpointStore store, MetricsLog metrics, byte[] bestParameters) throws IOException {
        double trainLoss = state.epochUnits > 0 ? state.epochLossSum / state.epochUnits : Double.NaN;
        Map<String, Double> dev = new LinkedHashMap<>();
        if (devEvaluator != null) {
            try (NDManager evaluation = trainer.getManager().newSubManager()) {
                dev.putAll(devEvaluator.evaluate(evaluation, new ParameterStore(evaluation, false)));
            }
        }
        double lr = schedule.rate(Math.max(0, state.globalStep - 1));
        state.history.add(new TrainerState.EpochRecord(state.epoch, state.globalStep, trainLoss, Map.copyOf(dev), lr));
        state.lastDevMetrics = dev;
        if (earlyStopping != null) {
            Double value = dev.get(earlyStopping.metric());
            if (value == null) {
                throw new IllegalArgumentException("Early stopping watches dev metric '" + earlyStopping.metric()
                        + "' but the evaluator returned " + dev.keySet());
            }
            double best = state.bestMetric == null ? Double.NaN : state.bestMetric;
            if (earlyStopping.mode().improves(value, best, earlyStopping.minDelta())) {
                state.bestMetric = value;
                state.bestEpoch = state.epoch;
                state.evaluationsWithoutImprovement = 0;
                bestParameters = parameterBytes(block);
                if (runDirectory != null) {
                    AtomicFiles.write(runDirectory.resolve(BEST_PARAMETERS), bestParameters);
                }
            } else if (++state.evaluationsWithoutImprovement >= earlyStopping.patience()) {
                state.stoppedEarly = true;
            }
        }
        if (!dev.isEmpty()) {
            schedule.onEvaluation(dev);
        }
        if (metrics != null) {
            ObjectNode line = metrics.newLine("epoch");
            fillLine(line, state, progress, trainLoss);
            ObjectNode devNode = line.putObject("dev");
            dev.forEach(devNode::put);
            metrics.append(line);
        }
        if (plot && runDirectory != null) {
            LossPlot.write(runDirectory.resolve(PLOT), state.history, task.units() == Units.TOKENS);
        }
        state.epoch++;
        state.batchInEpoch = 0;
        state.epochLossSum = 0;
        state.epochUnits = 0;
        if (store != null) {
            checkpoint(state, progress, block, store);
        }
        return bestParameters;
    }

    private void fillLine(ObjectNode line, TrainerState state, RunProgress progress, double trainLoss) {
        line.put("step", state.globalStep)
                .put("epoch", state.epoch)
                .put("trainLoss", trainLoss)
                .put("learningRate", optimizer.getLearningRate())
                .put("unitsPerSecond", progress.unitsPerSecond())
                .put("elapsedSeconds", progress.elapsed(state));
    }

    private void finish(TrainerState state, RunProgress progress, Block block, CheckpointStore store) throws IOException {
        if (store != null && progress.lastCheckpointStep != state.globalStep) {
            checkpoint(state, progress, block, store);
        }
    }

    /** At a step boundary during a JVM shutdown: checkpoints (with a run directory), reports, parks. */
    private void stopIfShuttingDown(TrainerState state, RunProgress progress, Block block, CheckpointStore store)
            throws IOException {
        if (!shutdown.requested()) {
            return;
        }
        String where = "Training stopped at step " + state.globalStep + " (epoch " + (state.epoch + 1) + ", batch "
                + state.batchInEpoch + ")";
        if (store == null) {
            shutdown.stopHere(where + "; no run directory, so nothing was saved");
        }
        if (progress.lastCheckpointStep != state.globalStep) {
            checkpoint(state, progress, block, store);
        }
        shutdown.stopHere(where + "; checkpoint " + progress.lastCheckpoint + "; resuming " + runDirectory
                + " continues from it (--resume in the programs)");
    }

    private void checkpoint(TrainerState state, RunProgress progress, Block block, CheckpointStore store)
            throws IOException {
        state.schedule = schedule.state();
        state.elapsedSeconds = progress.elapsed(state);
        progress.lastCheckpoint = store.write(state, block, optimizer);
        progress.lastCheckpointStep = state.globalStep;
    }

    private long totalSteps() {
        int perEpoch = trainData.batchesPerEpoch();
        long total = perEpoch > 0 ? (long) perEpoch * epochs : -1;
        if (maxSteps > 0) {
            total = total > 0 ? Math.min(total, maxSteps) : maxSteps;
        }
        return total;
    }

    private static byte[] parameterBytes(Block block) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            block.saveParameters(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot snapshot the block's parameters", e);
        }
    }

    /** Closes a batch that is {@link AutoCloseable}. */
    static void closeBatch(Object batch) {
        if (batch instanceof AutoCloseable) {
            try {
                ((AutoCloseable) batch).close();
            } catch (Exception e) {
                throw new IllegalStateException("Closing a batch failed", e);
            }
        }
    }

    /** The run directory (set by the builder or by {@link #resume(Path)}), if any. */
    public Optional<Path> runDirectory() {
        return Optional.ofNullable(runDirectory);
    }

    /**
     * Builder. Required: {@code setTask}, {@code setTrainingData}, {@code setOptimizer},
     * {@code setSchedule}, {@code setEpochs}. Everything else is optional.
     */
    public static final class Builder<B> {
        private TrainingTask<B> task;
        private BatchSource<B> trainData;
        private CheckpointableOptimizer optimizer;
        private LearningRateSchedule schedule;
        private GradientClipping clipping = GradientClipping.none();
        private Evaluator devEvaluator;
        private EarlyStopping earlyStopping;
        private int epochs;
        private long maxSteps;
        private int checkpointEverySteps;
        private int keepCheckpoints = 3;
        private int logEverySteps = 100;
        private long seed = 42;
        private boolean progressBar = true;
        private boolean plot = true;
        private int shutdownGraceSeconds = DEFAULT_SHUTDOWN_GRACE_SECONDS;
        private Path runDirectory;

        Builder() {}

        public Builder<B> setTask(TrainingTask<B> task) {
            this.task = task;
            return this;
        }

        public Builder<B> setTrainingData(BatchSource<B> trainData) {
            this.trainData = trainData;
            return this;
        }

        public Builder<B> setOptimizer(CheckpointableOptimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        public Builder<B> setSchedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Number of epochs (positive). */
        public Builder<B> setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Stop after this many optimizer updates in total (0: no limit). */
        public Builder<B> optMaxSteps(long maxSteps) {
            this.maxSteps = maxSteps;
            return this;
        }

        public Builder<B> optClipping(GradientClipping clipping) {
            this.clipping = Objects.requireNonNull(clipping, "clipping");
            return this;
        }

        /** Evaluated at the end of every epoch. */
        public Builder<B> optDevEvaluator(Evaluator devEvaluator) {
            this.devEvaluator = devEvaluator;
            return this;
        }

        /** Requires a dev evaluator. */
        public Builder<B> optEarlyStopping(EarlyStopping earlyStopping) {
            this.earlyStopping = earlyStopping;
            return this;
        }

        /** Where checkpoints, metrics.jsonl, loss.png and best-parameters.bin go; none are written without it. */
        public Builder<B> optRunDirectory(Path runDirectory) {
            this.runDirectory = runDirectory;
            return this;
        }

        /** Checkpoint every N steps besides epoch ends (0: epoch ends only). */
        public Builder<B> optCheckpointEverySteps(int steps) {
            this.checkpointEverySteps = steps;
            return this;
        }

        /** Number of newest checkpoints kept (positive, default 3). */
        public Builder<B> optKeepCheckpoints(int keep) {
            this.keepCheckpoints = keep;
            return this;
        }

        /** A "step" line in metrics.jsonl every N steps (0: epoch lines only; default 100). */
        public Builder<B> optLogEverySteps(int steps) {
            this.logEverySteps = steps;
            return this;
        }

        /** Seed for the engine's random generator (dropout), set deterministically before every step. */
        public Builder<B> optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Console progress bar (default on; never shown when not on a terminal). */
        public Builder<B> optProgressBar(boolean show) {
            this.progressBar = show;
            return this;
        }

        /** loss.png in the run directory (default on). */
        public Builder<B> optPlot(boolean plot) {
            this.plot = plot;
            return this;
        }

        /**
         * On a JVM shutdown during training (Ctrl-C, SIGTERM, {@code System.exit}), how long the
         * shutdown waits for the current step to end and a checkpoint to be written (default {@value
         * #DEFAULT_SHUTDOWN_GRACE_SECONDS} s); 0 lets the shutdown cut the step short, as a JVM does
         * by default.
         */
        public Builder<B> optShutdownGraceSeconds(int seconds) {
            if (seconds < 0) {
                throw new IllegalArgumentException("shutdown grace must be >= 0 seconds, got " + seconds);
            }
            this.shutdownGraceSeconds = seconds;
            return this;
        }

        public ToolkitTrainer<B> build() {
            List<String> missing = new ArrayList<>();
            if (task == null) {
                missing.add("setTask");
            }
            if (trainData == null) {
                missing.add("setTrainingData");
            }
            if (optimizer == null) {
                missing.add("setOptimizer");
            }
            if (schedule == null) {
                missing.add("setSchedule");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("ToolkitTrainer.Builder: required " + missing);
            }
            if (epochs <= 0) {
                throw new IllegalArgumentException("ToolkitTrainer: epochs must be positive, got " + epochs);
            }
            if (maxSteps < 0) {
                throw new IllegalArgumentException("ToolkitTrainer: maxSteps must be >= 0, got " + maxSteps);
            }
            if (checkpointEverySteps < 0) {
                throw new IllegalArgumentException("ToolkitTrainer: checkpointEverySteps must be >= 0, got " + checkpointEverySteps);
            }
            if (keepCheckpoints <= 0) {
                throw new IllegalArgumentException("ToolkitTrainer: keepCheckpoints must be positive, got " + keepCheckpoints);
            }
            if (logEverySteps < 0) {
                throw new IllegalArgumentException("ToolkitTrainer: logEverySteps must be >= 0, got " + logEverySteps);
            }
            if (earlyStopping != null && devEvaluator == null) {
                throw new IllegalStateException("ToolkitTrainer: early stopping needs optDevEvaluator");
            }
            return new ToolkitTrainer<>(this);
        }
    }
}
