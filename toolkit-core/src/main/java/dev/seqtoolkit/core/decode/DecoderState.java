package dev.seqtoolkit.core.decode;

/**
 * What a {@link StepModel} carries from one decoding step to the next for a batch of rows (encoder
 * outputs, recurrent state, attention keys...). The search never looks inside; it only counts,
 * selects and closes.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link StepModel#encode} returns one row per source sentence, in order.
 *   <li>{@link #reorder} returns a state whose row {@code i} is this state's row {@code
 *       rowIndices[i]}; indices may repeat (a sentence tiled to its beams) and may leave rows out
 *       (finished sentences). It leaves this state unchanged and usable.
 *   <li>{@link StepModel#step} returns the next state with the same rows; the given state stays
 *       unchanged.
 *   <li>Whoever obtains a state closes it. Searches close every state they obtain exactly once, as
 *       soon as it is superseded; a model that returns the same object again (a stateless model) is
 *       closed once.
 * </ul>
 */
public interface DecoderState extends AutoCloseable {

    /** @return the number of rows */
    int rows();

    /**
     * Selects and tiles rows.
     *
     * @param rowIndices for each row of the result, the row of this state it copies; each in {@code
     *     [0, rows())}
     * @return a new state with {@code rowIndices.length} rows
     */
    DecoderState reorder(int[] rowIndices);

    /** Frees native resources. */
    @Override
    void close();
}
