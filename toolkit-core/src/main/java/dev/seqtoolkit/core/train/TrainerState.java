package dev.seqtoolkit.core.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything besides parameters and optimizer slots that a resumed run needs; serialised into each
 * checkpoint's {@code trainer-state.json}. Mutable, owned by one {@link ToolkitTrainer} run.
 */
final class TrainerState {
    /** One finished epoch, for the plot and the result. */
    record EpochRecord(
            @JsonProperty("epoch") int epoch,
            @JsonProperty("step") long step,
            @JsonProperty("trainLoss") double trainLoss,
            @JsonProperty("dev") Map<String, Double> dev,
            @JsonProperty("learningRate") double learningRate) {
        @JsonCreator
        EpochRecord {}
    }

    @JsonProperty long globalStep;
    @JsonProperty int epoch;
    @JsonProperty int batchInEpoch;
    @JsonProperty long seed;
    @JsonProperty double epochLossSum;
    @JsonProperty long epochUnits;
    @JsonProperty double elapsedSeconds;
    @JsonProperty JsonNode schedule;
    @JsonProperty Double bestMetric;
    @JsonProperty int bestEpoch = -1;
    @JsonProperty int evaluationsWithoutImprovement;
    @JsonProperty boolean stoppedEarly;
    @JsonProperty List<EpochRecord> history = new ArrayList<>();
    @JsonProperty Map<String, Double> lastDevMetrics = new LinkedHashMap<>();

    TrainerState() {}
}
