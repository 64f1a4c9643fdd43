/**
 * Extractive summarization: the greedy ROUGE {@link dev.seqtoolkit.summarize.extractive.Oracle} that
 * labels training documents, the SummaRuNNer network ({@link
 * dev.seqtoolkit.summarize.extractive.SummaRunnerBlock}) over the toolkit's hierarchical encoder, and
 * the trained model {@link dev.seqtoolkit.summarize.extractive.ExtractiveSummarizer} with its {@link
 * dev.seqtoolkit.summarize.extractive.ExtractiveConfig}.
 */
package dev.seqtoolkit.summarize.extractive;
