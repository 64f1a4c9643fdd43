package dev.seqtoolkit.core.lm;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.GateActivation;

/**
 * The architecture of a {@link LanguageModel}: token input (one-hot or embedded), a recurrent stack,
 * a linear output over the vocabulary. Checked on construction, so a JSON file with a wrong value
 * fails naming the field.
 *
 * @param vocabSize number of token ids, including the reserved ones
 * @param embeddingSize 0 for one-hot input (the textbook's character model), else the embedding width
 * @param cell LSTM or GRU
 * @param hiddenSize units per layer
 * @param numLayers stacked layers
 * @param dropout dropout on the embedded input, between layers and before the output; 0 for none
 * @param gateActivation activation of the gates (sigmoid in the standard cells)
 * @param candidateActivation activation of the candidate (tanh in the standard cells)
 * @param cellActivation activation applied to the LSTM cell state before the output gate (tanh)
 * @param timeGate the textbook's extra gate multiplying the LSTM input gate
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record LanguageModelConfig(
        int vocabSize,
        int embeddingSize,
        CellType cell,
        int hiddenSize,
        int numLayers,
        float dropout,
        GateActivation gateActivation,
        GateActivation candidateActivation,
        GateActivation cellActivation,
        boolean timeGate) {

    @JsonCreator
    public LanguageModelConfig(
            @JsonProperty(value = "vocabSize", required = true) int vocabSize,
            @JsonProperty("embeddingSize") int embeddingSize,
            @JsonProperty("cell") CellType cell,
            @JsonProperty(value = "hiddenSize", required = true) int hiddenSize,
            @JsonProperty("numLayers") int numLayers,
            @JsonProperty("dropout") float dropout,
            @JsonProperty("gateActivation") GateActivation gateActivation,
            @JsonProperty("candidateActivation") GateActivation candidateActivation,
            @JsonProperty("cellActivation") GateActivation cellActivation,
            @JsonProperty("timeGate") boolean timeGate) {
        positive("vocabSize", vocabSize);
        if (embeddingSize < 0) {
            throw new IllegalArgumentException("embeddingSize must be 0 (one-hot) or positive, got " + embeddingSize);
        }
        positive("hiddenSize", hiddenSize);
        if (numLayers == 0) {
            numLayers = 1;
        }
        positive("numLayers", numLayers);
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        this.vocabSize = vocabSize;
        this.embeddingSize = embeddingSize;
        this.cell = cell == null ? CellType.LSTM : cell;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.dropout = dropout;
        this.gateActivation = gateActivation == null ? GateActivation.SIGMOID : gateActivation;
        this.candidateActivation = candidateActivation == null ? GateActivation.TANH : candidateActivation;
        this.cellActivation = cellActivation == null ? GateActivation.TANH : cellActivation;
        this.timeGate = timeGate;
        if (timeGate && this.cell != CellType.LSTM) {
            throw new IllegalArgumentException("timeGate is an LSTM variant; cell is " + this.cell);
        }
    }

    /** A standard LSTM character model with one-hot input, the textbook's setup. */
    public static LanguageModelConfig charLstm(int vocabSize, int hiddenSize) {
        return new LanguageModelConfig(vocabSize, 0, CellType.LSTM, hiddenSize, 1, 0f, null, null, null, false);
    }

    /** True when the cell deviates from the standard equations and needs explicit cells. */
    @JsonIgnore
    public boolean isVariant() {
        return gateActivation != GateActivation.SIGMOID
                || candidateActivation != GateActivation.TANH
                || cellActivation != GateActivation.TANH
                || timeGate;
    }

    /** Width of the vectors fed to the first recurrent layer. */
    @JsonIgnore
    public int inputSize() {
        return embeddingSize == 0 ? vocabSize : embeddingSize;
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }
}
