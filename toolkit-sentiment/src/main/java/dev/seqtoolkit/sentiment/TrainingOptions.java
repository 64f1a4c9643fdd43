package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.lm.TextLanguageModel;

import java.nio.file.Path;

/**
 * How a training run is carried out (not part of the model): an optional language model to start
 * from (see {@link Pretraining}), an optional run directory for checkpoints, {@code metrics.jsonl}
 * and {@code loss.png}, whether to resume the run in that directory, and whether to show a progress
 * bar.
 */
public final class TrainingOptions {
    private final TextLanguageModel pretrained;
    private final Path runDirectory;
    private final boolean resume;
    private final boolean progressBar;

    TrainingOptions(Builder b) {
        pretrained = b.pretrained;
        runDirectory = b.runDirectory;
        resume = b.resume;
        progressBar = b.progressBar;
    }

    /** No pretraining, no run directory, no progress bar. */
    public static TrainingOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    TextLanguageModel pretrained() {
        return pretrained;
    }

    Path runDirectory() {
        return runDirectory;
    }

    boolean resume() {
        return resume;
    }

    boolean progressBar() {
        return progressBar;
    }

    /** Builder; everything optional. */
    public static final class Builder {
        private TextLanguageModel pretrained;
        private Path runDirectory;
        private boolean resume;
        private boolean progressBar;

        Builder() {}

        /** A word-level language model to initialise the embedding and encoder from. */
        public Builder optPretrainedLanguageModel(TextLanguageModel lm) {
            this.pretrained = lm;
            return this;
        }

        public Builder optRunDirectory(Path runDirectory) {
            this.runDirectory = runDirectory;
            return this;
        }

        /**
         * Continues the run in the run directory from its last checkpoint (parameters, optimizer,
         * early-stopping state, step count and data order) instead of starting afresh; the config and
         * the data must be those of the interrupted run. The config's {@code epochs} may be raised.
         */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        public Builder optProgressBar(boolean show) {
            this.progressBar = show;
            return this;
        }

        public TrainingOptions build() {
            if (resume && runDirectory == null) {
                throw new IllegalArgumentException("resuming needs the run directory to resume (optRunDirectory)");
            }
            if (pretrained != null && pretrained.tokenizerKind() != TextLanguageModel.TokenizerKind.WORDS) {
                throw new IllegalArgumentException("the pretrained language model must be word-level (WORDS), got "
                        + pretrained.tokenizerKind());
            }
            return new TrainingOptions(this);
        }
    }
}
