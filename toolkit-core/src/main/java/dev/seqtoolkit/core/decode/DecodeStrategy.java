package dev.seqtoolkit.core.decode;

import java.util.List;

/** A search over a {@link StepModel}: greedy, beam. */
public interface DecodeStrategy {

    /**
     * Decodes a batch of source sentences, all stepped as one batch.
     *
     * @param model the model
     * @param sourceIds one array of source ids per sentence
     * @return per sentence, its hypotheses best first (one for greedy, up to n-best for beam)
     */
    List<List<Hypothesis>> decode(StepModel model, List<int[]> sourceIds);
}
