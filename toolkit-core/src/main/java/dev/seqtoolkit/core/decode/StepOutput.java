package dev.seqtoolkit.core.decode;

/**
 * The output of one {@link StepModel#step}: flat log-probabilities with vocabulary stride (no
 * per-token objects), or only each row's top candidates ({@link #candidates}), the next state, and
 * optionally each row's attention over its source.
 */
public final class StepOutput {

    private final DecoderState nextState;
    private final float[] logProbs;
    private final int vocabSize;
    private final int rows;
    private final float[] attention;
    private final int attentionWidth;
    private final int[] candidateIds;
    private final int perRow;

    /**
     * Creates an output without attention.
     *
     * @param nextState the state after this step
     * @param logProbs {@code rows * vocabSize} log-probabilities, row-major
     * @param vocabSize the vocabulary size
     */
    public StepOutput(DecoderState nextState, float[] logProbs, int vocabSize) {
        this(nextState, logProbs, vocabSize, null, 0);
    }

    /**
     * Creates an output.
     *
     * @param nextState the state after this step
     * @param logProbs {@code rows * vocabSize} log-probabilities, row-major
     * @param vocabSize the vocabulary size
     * @param attention {@code rows * attentionWidth} attention weights, row-major, or {@code null}
     * @param attentionWidth the padded source length of the batch (ignored without attention)
     */
    public StepOutput(
            DecoderState nextState,
            float[] logProbs,
            int vocabSize,
            float[] attention,
            int attentionWidth) {
        this(nextState, null, logProbs, vocabSize, vocabSize, attention, attentionWidth);
    }

    /** Full rows when {@code ids} is null ({@code perRow == vocabSize}), else candidates. */
    private StepOutput(DecoderState nextState, int[] ids, float[] logProbs, int perRow, int vocabSize,
            float[] attention, int attentionWidth) {
        if (nextState == null) {
            throw new IllegalArgumentException("nextState is null");
        }
        if (ids == null && (vocabSize <= 0 || logProbs.length % vocabSize != 0)) {
            throw new IllegalArgumentException(
                    "logProbs length " + logProbs.length + " is not a multiple of vocabSize " + vocabSize);
        }
        if (ids != null && (perRow <= 0 || ids.length != logProbs.length || ids.length % perRow != 0)) {
            throw new IllegalArgumentException("candidates: " + ids.length + " ids and " + logProbs.length
                    + " log-probabilities are not rows of " + perRow);
        }
        this.rows = logProbs.length / perRow;
        if (attention != null && (attentionWidth < 0 || attention.length != rows * attentionWidth)) {
            throw new IllegalArgumentException("attention length " + attention.length + " != rows " + rows
                    + " * attentionWidth " + attentionWidth);
        }
        this.nextState = nextState;
        this.logProbs = logProbs;
        this.vocabSize = vocabSize;
        this.attention = attention;
        this.attentionWidth = attention == null ? 0 : attentionWidth;
        this.candidateIds = ids;
        this.perRow = perRow;
    }

    /**
     * An output holding only each row's {@code perRow} most probable tokens, best first and the
     * lower id first among equals.
     *
     * @param ids {@code rows * perRow} token ids, row-major
     * @param logProbs their log-probabilities, in the same order
     * @param vocabSize the vocabulary the candidates come from
     */
    public static StepOutput candidates(DecoderState nextState, int[] ids, float[] logProbs, int perRow,
            int vocabSize, float[] attention, int attentionWidth) {
        return new StepOutput(nextState, ids, logProbs, perRow, vocabSize, attention, attentionWidth);
    }

    /** @return true for full rows of log-probabilities, false for top candidates only */
    public boolean hasFullRows() {
        return candidateIds == null;
    }

    /** @return candidates per row ({@link #vocabSize()} for full rows) */
    public int candidatesPerRow() {
        return perRow;
    }

    /** @return the candidates' ids, {@code rows * candidatesPerRow()}, row-major; not copied */
    public int[] candidateIds() {
        if (candidateIds == null) {
            throw new IllegalStateException("this output holds full rows, not candidates");
        }
        return candidateIds;
    }

    /** @return the candidates' log-probabilities, in {@link #candidateIds()}'s order; not copied */
    public float[] candidateLogProbs() {
        candidateIds();
        return logProbs;
    }

    /** @return the state after this step */
    public DecoderState nextState() {
        return nextState;
    }

    /** @return log-probabilities, {@code rows * vocabSize}, row-major; not copied */
    public float[] logProbs() {
        requireFullRows();
        return logProbs;
    }

    /** @return the log-probability of {@code token} in {@code row} */
    public float logProb(int row, int token) {
        requireFullRows();
        return logProbs[row * vocabSize + token];
    }

    private void requireFullRows() {
        if (candidateIds != null) {
            throw new IllegalStateException("this output holds only the top " + perRow + " candidates per row");
        }
    }

    /** @return the vocabulary size (row stride of {@link #logProbs()}) */
    public int vocabSize() {
        return vocabSize;
    }

    /** @return the number of rows */
    public int rows() {
        return rows;
    }

    /** @return attention, {@code rows * attentionWidth}, row-major; or {@code null}; not copied */
    public float[] attention() {
        return attention;
    }

    /** @return the row stride of {@link #attention()}, 0 without attention */
    public int attentionWidth() {
        return attentionWidth;
    }
}
