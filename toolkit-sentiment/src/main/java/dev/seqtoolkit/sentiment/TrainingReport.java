package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.train.TrainingResult;

/**
 * What a training run did.
 *
 * @param training the trainer's result (epochs, steps, best dev accuracy and its epoch, early stop)
 * @param trainTexts training examples
 * @param devTexts dev examples
 * @param vocabularySize words with an id, reserved ones included
 * @param truncatedTrainTexts training texts cut by the length limits
 * @param pretraining what was copied from a language model, or null
 * @param seconds wall time of the whole run
 */
public record TrainingReport(TrainingResult training, int trainTexts, int devTexts, int vocabularySize,
        int truncatedTrainTexts, Pretraining pretraining, double seconds) {}
