package dev.seqtoolkit.summarize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the {@link Summarizer} needs from a trained model of either mode: an adapter per mode
 * ({@link ExtractiveModel}; an abstractive one wraps {@code AbstractiveSummarizer} the same way).
 * Implementations are thread-safe for {@link #summarize}.
 */
interface SummaryModel extends AutoCloseable {

    /** The facade config this model was built from. */
    SummarizerConfig config();

    /** Summaries of the documents, in input order. */
    List<Summary> summarize(List<String> documents, SummaryLength length);

    /** Saves the model as a bundle. */
    void save(Path directory) throws IOException;

    @Override
    void close();
}
