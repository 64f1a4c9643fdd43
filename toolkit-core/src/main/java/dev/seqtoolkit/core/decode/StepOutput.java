package dev.seqtoolkit.core.decode;

/**
 * The output of one {@link StepModel#step}: flat log-probabilities with vocabulary stride (no
 * per-token objects), the next state, and optionally each row's attention over its source.
 */
public final class StepOutput {

    private final DecoderState nextState;
    private final float[] logProbs;
    private final int vocabSize;
    private final int rows;
    private final float[] attention;
    private final int attentionWidth;

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
        if (nextState == null) {
            throw new IllegalArgumentException("nextState is null");
        }
        if (vocabSize <= 0 || logProbs.length % vocabSize != 0) {
            throw new IllegalArgumentException(
                    "logProbs length " + logProbs.length + " is not a multiple of vocabSize " + vocabSize);
        }
        this.rows = logProbs.length / vocabSize;
        if (attention != null && (attentionWidth < 0 || attention.length != rows * attentionWidth)) {
            throw new IllegalArgumentException(
                    "attention length "
                            + attention.length
                            + " != rows "
                            + rows
                            + " * attentionWidth "
                            + attentionWidth);
        }
        this.nextState = nextState;
        this.logProbs = logProbs;
        this.vocabSize = vocabSize;
        this.attention = attention;
        this.attentionWidth = attention == null ? 0 : attentionWidth;
    }

    /** @return the state after this step */
    public DecoderState nextState() {
        return nextState;
    }

    /** @return log-probabilities, {@code rows * vocabSize}, row-major; not copied */
    public float[] logProbs() {
        return logProbs;
    }

    /** @return the log-probability of {@code token} in {@code row} */
    public float logProb(int row, int token) {
        return logProbs[row * vocabSize + token];
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
