package dev.seqtoolkit.summarize;

import dev.seqtoolkit.summarize.extractive.ExtractiveSummarizer;
import dev.seqtoolkit.summarize.extractive.ExtractiveSummary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The EXTRACTIVE mode behind the {@link Summarizer}: an {@link ExtractiveSummarizer}. */
final class ExtractiveModel implements SummaryModel {
    private final ExtractiveSummarizer model;
    private final SummarizerConfig config;

    ExtractiveModel(ExtractiveSummarizer model) {
        this.model = model;
        this.config = SummarizerConfig.extractive(model.config());
    }

    ExtractiveSummarizer model() {
        return model;
    }

    @Override
    public SummarizerConfig config() {
        return config;
    }

    @Override
    public List<Summary> summarize(List<String> documents, SummaryLength length) {
        List<Summary> out = new ArrayList<>(documents.size());
        for (ExtractiveSummary s : model.summarize(documents, length)) {
            out.add(new Summary(s.sentences(), s.droppedSentences(), s.droppedWords()));
        }
        return out;
    }

    @Override
    public void save(Path directory) throws IOException {
        model.save(directory);
    }

    @Override
    public void close() {
        model.close();
    }
}
