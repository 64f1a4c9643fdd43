/**
 * Evaluation metrics: perplexity, classification accuracy and reports, corpus BLEU and chrF
 * (sacreBLEU-compatible), ROUGE-1/2/L (ROUGE-1.5.5 conventions) and repeated n-gram rates.
 *
 * <p>All metric objects are immutable except the streaming accumulators {@link
 * dev.seqtoolkit.core.metrics.Perplexity} and {@link dev.seqtoolkit.core.metrics.Accuracy}. No
 * method mutates the caller's lists or arrays.
 */
package dev.seqtoolkit.core.metrics;
