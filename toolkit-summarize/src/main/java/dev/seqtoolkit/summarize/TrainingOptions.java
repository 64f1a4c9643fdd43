package dev.seqtoolkit.summarize;

import java.nio.file.Path;

/**
 * How a training run is carried out (not part of the model): an optional run directory for
 * checkpoints, {@code metrics.jsonl} and {@code loss.png}, whether to resume the run in it, and
 * whether to show a progress bar.
 */
public final class TrainingOptions {
    private final Path runDirectory;
    private final boolean resume;
    private final boolean progressBar;

    TrainingOptions(Builder b) {
        runDirectory = b.runDirectory;
        resume = b.resume;
        progressBar = b.progressBar;
    }

    /** No run directory, no progress bar. */
    public static TrainingOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The run directory, or null. */
    public Path runDirectory() {
        return runDirectory;
    }

    /** Whether the run continues from the last checkpoint in {@link #runDirectory()}. */
    public boolean resume() {
        return resume;
    }

    public boolean progressBar() {
        return progressBar;
    }

    /** Builder; everything optional. */
    public static final class Builder {
        private Path runDirectory;
        private boolean resume;
        private boolean progressBar;

        Builder() {}

        /** Where checkpoints, metrics.jsonl, loss.png and the best parameters go (must not hold checkpoints). */
        public Builder optRunDirectory(Path runDirectory) {
            this.runDirectory = runDirectory;
            return this;
        }

        /**
         * Continues the run in the run directory from its last checkpoint (parameters, optimizer,
         * early-stopping state, step count and data order) instead of starting afresh; the config and
         * the data must be those of the interrupted run. The config's epochs may be raised.
         */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** A console progress bar (shown only on a terminal). */
        public Builder optProgressBar(boolean show) {
            this.progressBar = show;
            return this;
        }

        public TrainingOptions build() {
            if (resume && runDirectory == null) {
                throw new IllegalArgumentException("resuming needs the run directory to resume (optRunDirectory)");
            }
            return new TrainingOptions(this);
        }
    }
}
