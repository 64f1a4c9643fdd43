package dev.seqtoolkit.core.train;

import java.nio.file.Path;

/** Training stopped because a batch's loss was NaN or infinite; no update was applied for it. */
public class NonFiniteLossException extends RuntimeException {
    private final long step;
    private final int epoch;
    private final int batch;
    private final transient Path lastCheckpoint;

    NonFiniteLossException(long step, int epoch, int batch, float value, Path lastCheckpoint) {
        super("Loss is " + value + " at step " + step + " (epoch " + epoch + ", batch " + batch + "); training stopped"
                + (lastCheckpoint == null ? "" : ", last good checkpoint: " + lastCheckpoint));
        this.step = step;
        this.epoch = epoch;
        this.batch = batch;
        this.lastCheckpoint = lastCheckpoint;
    }

    /** The 1-based global step whose loss was not finite. */
    public long step() {
        return step;
    }

    public int epoch() {
        return epoch;
    }

    /** 0-based batch index within the epoch. */
    public int batch() {
        return batch;
    }

    /** The last checkpoint written before the failure, or null. */
    public Path lastCheckpoint() {
        return lastCheckpoint;
    }
}
