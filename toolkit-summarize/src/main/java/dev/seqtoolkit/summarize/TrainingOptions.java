package dev.seqtoolkit.summarize;

import java.nio.file.Path;

/**
 * How a training run is carried out (not part of the model): an optional run directory for
 * checkpoints, {@code metrics.jsonl} and {@code loss.png}, and whether to show a progress bar.
 */
public final class TrainingOptions {
    private final Path runDirectory;
    private final boolean progressBar;

    TrainingOptions(Builder b) {
        runDirectory = b.runDirectory;
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

    public boolean progressBar() {
        return progressBar;
    }

    /** Builder; everything optional. */
    public static final class Builder {
        private Path runDirectory;
        private boolean progressBar;

        Builder() {}

        /** Where checkpoints, metrics.jsonl, loss.png and the best parameters go (must not hold checkpoints). */
        public Builder optRunDirectory(Path runDirectory) {
            this.runDirectory = runDirectory;
            return this;
        }

        /** A console progress bar (shown only on a terminal). */
        public Builder optProgressBar(boolean show) {
            this.progressBar = show;
            return this;
        }

        public TrainingOptions build() {
            return new TrainingOptions(this);
        }
    }
}
