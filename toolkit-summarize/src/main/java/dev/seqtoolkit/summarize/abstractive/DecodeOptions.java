package dev.seqtoolkit.summarize.abstractive;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.seqtoolkit.core.decode.BeamSearch;
import dev.seqtoolkit.core.decode.DecodeStrategy;
import dev.seqtoolkit.core.decode.GreedySearch;

import static dev.seqtoolkit.summarize.abstractive.AbstractiveConfig.atLeast;
import static dev.seqtoolkit.summarize.abstractive.AbstractiveConfig.or;

/**
 * How {@link AbstractiveSummarizer#summarize(java.util.List, DecodeOptions)} searches. Lengths count
 * summary tokens (words and punctuation), the end token excluded.
 *
 * @param beamSize 1 for greedy search, else beam search (which goes on while a live beam can still
 *     beat the best ended one, see {@link BeamSearch.Builder#optEarlyStop}); default 4
 * @param minLength the end token is forbidden before this many tokens; default 0
 * @param maxLength a summary stops at this many tokens; default 100
 * @param lengthPenalty the GNMT length-penalty exponent alpha that ranks finished beams by {@code
 *     logProb / ((5 + steps) / 6)^alpha}; beam search only; default 0
 * @param blockRepeatedTrigrams forbid a token that would repeat a trigram of the summary so far
 *     (Paulus et al. 2018); default true
 * @param batchSize documents decoded together; default 16
 */
public record DecodeOptions(int beamSize, int minLength, int maxLength, double lengthPenalty,
        boolean blockRepeatedTrigrams, int batchSize) {

    /** Checks every value. */
    public DecodeOptions {
        atLeast("decoding.beamSize", beamSize, 1);
        atLeast("decoding.minLength", minLength, 0);
        atLeast("decoding.maxLength", maxLength, 1);
        if (minLength > maxLength) {
            throw new IllegalArgumentException("decoding.minLength " + minLength + " exceeds decoding.maxLength "
                    + maxLength);
        }
        if (!(lengthPenalty >= 0) || Double.isInfinite(lengthPenalty)) {
            throw new IllegalArgumentException("decoding.lengthPenalty must be >= 0 and finite, got " + lengthPenalty);
        }
        atLeast("decoding.batchSize", batchSize, 1);
    }

    @JsonCreator
    static DecodeOptions fromJson(@JsonProperty("beamSize") Integer beamSize,
            @JsonProperty("minLength") Integer minLength, @JsonProperty("maxLength") Integer maxLength,
            @JsonProperty("lengthPenalty") Double lengthPenalty,
            @JsonProperty("blockRepeatedTrigrams") Boolean blockRepeatedTrigrams,
            @JsonProperty("batchSize") Integer batchSize) {
        DecodeOptions d = defaults();
        return new DecodeOptions(or(beamSize, d.beamSize), or(minLength, d.minLength), or(maxLength, d.maxLength),
                or(lengthPenalty, d.lengthPenalty), or(blockRepeatedTrigrams, d.blockRepeatedTrigrams),
                or(batchSize, d.batchSize));
    }

    /** @return the defaults */
    public static DecodeOptions defaults() {
        return new DecodeOptions(4, 0, 100, 0.0, true, 16);
    }

    /** @return a copy with another beam size */
    public DecodeOptions withBeamSize(int beam) {
        return new DecodeOptions(beam, minLength, maxLength, lengthPenalty, blockRepeatedTrigrams, batchSize);
    }

    /** @return a copy with other length limits */
    public DecodeOptions withLengths(int min, int max) {
        return new DecodeOptions(beamSize, min, max, lengthPenalty, blockRepeatedTrigrams, batchSize);
    }

    /** @return a copy with another length penalty */
    public DecodeOptions withLengthPenalty(double alpha) {
        return new DecodeOptions(beamSize, minLength, maxLength, alpha, blockRepeatedTrigrams, batchSize);
    }

    /** @return a copy with trigram blocking on or off */
    public DecodeOptions withBlockRepeatedTrigrams(boolean block) {
        return new DecodeOptions(beamSize, minLength, maxLength, lengthPenalty, block, batchSize);
    }

    /** The search these options describe. */
    DecodeStrategy strategy() {
        int ngram = blockRepeatedTrigrams ? 3 : 0;
        if (beamSize == 1) {
            return GreedySearch.builder().optMinLength(minLength).optMaxLength(maxLength)
                    .optNoRepeatNgramSize(ngram).build();
        }
        // without early stop: short poor hypotheses that end first must not cut off a better live beam
        return BeamSearch.builder().optBeamSize(beamSize).optNBest(1).optMinLength(minLength)
                .optMaxLength(maxLength).optLengthPenalty(lengthPenalty).optNoRepeatNgramSize(ngram)
                .optEarlyStop(false).build();
    }
}
