package dev.seqtoolkit.core.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.seqtoolkit.core.nn.Embedding;
import dev.seqtoolkit.core.nn.ExplicitRecurrentEncoder;
import dev.seqtoolkit.core.nn.RecurrentEncoder;
import dev.seqtoolkit.core.nn.RecurrentOutput;
import dev.seqtoolkit.core.nn.RecurrentState;
import dev.seqtoolkit.core.nn.SequenceEncoder;

/**
 * A recurrent language model: tokens, one-hot or embedded, through a stack of LSTM or GRU layers,
 * then a linear layer to logits over the vocabulary. The standard cells run on DJL's fused kernels;
 * a gate variant runs on explicit cells.
 *
 * <p>As a DJL block its NDList contract is {@code [tokens (batch, time)] (+ [h0, c0])} in and
 * {@code [logits (batch, time, vocab), h, c]} out ({@code c} absent for GRU).
 */
public final class LanguageModel extends AbstractBlock {
    private static final byte VERSION = 1;

    private final LanguageModelConfig config;
    private final Embedding embedding;
    private final SequenceEncoder encoder;
    private final Linear output;

    public LanguageModel(LanguageModelConfig config) {
        super(VERSION);
        this.config = config;
        this.embedding = config.embeddingSize() == 0
                ? null
                : addChildBlock("embedding", Embedding.builder()
                        .setVocabularySize(config.vocabSize())
                        .setEmbeddingSize(config.embeddingSize())
                        .build());
        SequenceEncoder rnn;
        if (config.isVariant()) {
            rnn = ExplicitRecurrentEncoder.builder()
                    .setCellType(config.cell())
                    .setStateSize(config.hiddenSize())
                    .setNumLayers(config.numLayers())
                    .optDropRate(config.dropout())
                    .optGateActivation(config.gateActivation())
                    .optCandidateActivation(config.candidateActivation())
                    .optCellActivation(config.cellActivation())
                    .optTimeGate(config.timeGate())
                    .build();
        } else {
            rnn = RecurrentEncoder.builder()
                    .setCellType(config.cell())
                    .setStateSize(config.hiddenSize())
                    .setNumLayers(config.numLayers())
                    .optDropRate(config.dropout())
                    .build();
        }
        this.encoder = addChildBlock("encoder", rnn);
        this.output = addChildBlock("output", Linear.builder().setUnits(config.vocabSize()).build());
    }

    public LanguageModelConfig config() {
        return config;
    }

    /** The recurrent stack; its weights are in DJL's fused layout. */
    public SequenceEncoder encoder() {
        return encoder;
    }

    /** The output layer: weight {@code (vocab, hidden)}, bias {@code (vocab)}. */
    public Linear outputLayer() {
        return output;
    }

    /** The embedding table {@code (vocab, embedding)}, or null for one-hot input. */
    public Embedding embedding() {
        return embedding;
    }

    /**
     * Runs the model over a batch of token sequences.
     *
     * @param tokens {@code (batch, time)} token ids, any integer type
     * @param state initial state {@code (layers, batch, hidden)}, or null for zeros
     * @return logits {@code (batch, time, vocab)} and the final state, attached to {@code tokens}'
     *     manager
     */
    public LanguageModelOutput forward(ParameterStore ps, NDArray tokens, RecurrentState state, boolean training) {
        Shape shape = tokens.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("tokens must be (batch, time), got " + shape);
        }
        NDManager caller = tokens.getManager();
        try (NDManager scope = caller.newSubManager()) {
            tokens.tempAttach(scope);
            NDArray x = embed(ps, tokens, training); // (batch, time, input)
            RecurrentOutput out = encoder.forward(ps, x, null, state, training);
            NDArray hidden = out.output(); // (batch, time, hidden)
            if (training && config.dropout() > 0f) {
                hidden = Dropout.dropout(hidden, config.dropout(), true).singletonOrThrow();
            }
            NDArray logits = output.forward(ps, new NDList(hidden), training).singletonOrThrow(); // (batch, time, V)
            logits.attach(caller);
            RecurrentState next = out.state();
            next.h().attach(caller);
            if (next.c() != null) {
                next.c().attach(caller);
            }
            return new LanguageModelOutput(logits, next);
        }
    }

    private NDArray embed(ParameterStore ps, NDArray tokens, boolean training) {
        if (embedding == null) {
            return tokens.toType(DataType.INT32, false).oneHot(config.vocabSize()); // (batch, time, V)
        }
        NDArray x = embedding.embed(ps, tokens, training); // (batch, time, E)
        if (training && config.dropout() > 0f) {
            x = Dropout.dropout(x, config.dropout(), true).singletonOrThrow();
        }
        return x;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        RecurrentState state = null;
        if (inputs.size() > 1) {
            state = new RecurrentState(inputs.get(1), inputs.size() > 2 ? inputs.get(2) : null);
        }
        LanguageModelOutput out = forward(ps, inputs.get(0), state, training);
        NDList result = new NDList(out.logits());
        result.addAll(out.state().toList());
        return result;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[0];
        Shape state = new Shape(config.numLayers(), tokens.get(0), config.hiddenSize());
        Shape logits = new Shape(tokens.get(0), tokens.get(1), config.vocabSize());
        return config.cell().hasCellState() ? new Shape[] {logits, state, state} : new Shape[] {logits, state};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = inputShapes[0];
        long batch = tokens.get(0);
        long time = tokens.get(1);
        if (embedding != null) {
            embedding.initialize(manager, dataType, tokens);
        }
        encoder.initialize(manager, dataType, new Shape(batch, time, config.inputSize()));
        output.initialize(manager, dataType, new Shape(batch, time, config.hiddenSize()));
    }

    /** Logits and the state after the last step. */
    public record LanguageModelOutput(NDArray logits, RecurrentState state) implements AutoCloseable {
        @Override
        public void close() {
            logits.close();
            state.close();
        }
    }
}
