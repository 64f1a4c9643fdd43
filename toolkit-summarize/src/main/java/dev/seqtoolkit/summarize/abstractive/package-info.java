/**
 * Abstractive summarization with an attentional encoder-decoder, the pointer-generator copy mechanism
 * and coverage (See et al. 2017): {@link dev.seqtoolkit.summarize.abstractive.AbstractiveSummarizer}
 * trains, summarizes, saves and loads; {@link dev.seqtoolkit.summarize.abstractive.AbstractiveConfig}
 * and {@link dev.seqtoolkit.summarize.abstractive.DecodeOptions} hold its settings.
 */
package dev.seqtoolkit.summarize.abstractive;
