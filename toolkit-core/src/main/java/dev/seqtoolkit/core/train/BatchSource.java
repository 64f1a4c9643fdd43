package dev.seqtoolkit.core.train;

import java.util.Iterator;

/**
 * Batches for one epoch. {@link #epoch(int)} must give the same batches in the same order every
 * time it is called with the same epoch (and the source's own seed), so that a resumed run replays
 * the data order of the interrupted one.
 */
public interface BatchSource<B> {

    /** The batches of epoch {@code epoch} (0-based), deterministic in (seed, epoch). */
    Iterator<B> epoch(int epoch);

    /** Batches per epoch, or -1 if unknown (the progress bar then shows no total). */
    default int batchesPerEpoch() {
        return -1;
    }
}
