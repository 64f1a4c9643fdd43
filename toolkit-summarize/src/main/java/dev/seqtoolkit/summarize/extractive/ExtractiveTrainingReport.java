package dev.seqtoolkit.summarize.extractive;

import dev.seqtoolkit.core.train.TrainingResult;

/**
 * What a training run of an extractive summarizer did.
 *
 * @param training the trainer's result (epochs, steps, last dev metrics, best dev metric and epoch)
 * @param trainDocuments training documents used
 * @param devDocuments dev documents used
 * @param skippedTrain training examples skipped (empty document or empty summary)
 * @param skippedDev dev examples skipped
 * @param vocabularySize words with an id, reserved ones included
 * @param truncatedTrainDocuments training documents longer than the limits (read in part)
 * @param oracleSentencesPerDocument mean number of sentences the oracle labels 1
 * @param preparationSeconds time spent splitting, tokenizing and labelling
 * @param seconds wall time of the whole run
 */
public record ExtractiveTrainingReport(TrainingResult training, int trainDocuments, int devDocuments, int skippedTrain,
        int skippedDev, int vocabularySize, int truncatedTrainDocuments, double oracleSentencesPerDocument,
        double preparationSeconds, double seconds) {}
