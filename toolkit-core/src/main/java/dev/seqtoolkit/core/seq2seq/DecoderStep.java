package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import dev.seqtoolkit.core.nn.CellState;

import java.util.List;

/**
 * The result of one decoder step for all rows (package-private).
 *
 * @param state the new state of every decoder layer, layer 0 first, each {@code (rows, HD)}
 * @param output the vector the output layer reads {@code (rows, HD)}: the new top hidden state
 *     (BAHDANAU) or the attentional vector {@code tanh(W_c [context; h])} (LUONG, also the next
 *     step's input feed)
 * @param attention the step's attention weights {@code (rows, srcLen)}
 * @param context the step's attention context {@code (rows, M)}
 */
record DecoderStep(List<CellState> state, NDArray output, NDArray attention, NDArray context) {}
