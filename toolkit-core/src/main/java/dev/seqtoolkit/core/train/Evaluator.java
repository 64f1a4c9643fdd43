package dev.seqtoolkit.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

import java.util.Map;

/** Scores the current parameters on a dev set; returns named metrics such as loss, perplexity, accuracy. */
@FunctionalInterface
public interface Evaluator {

    /**
     * @param manager a manager closed after the evaluation; put intermediate arrays here
     * @param parameterStore the store to run the block with ({@code training = false})
     * @return metric name to value
     */
    Map<String, Double> evaluate(NDManager manager, ParameterStore parameterStore);
}
