package dev.seqtoolkit.summarize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.summarize.abstractive.AbstractiveSummarizer;
import dev.seqtoolkit.summarize.abstractive.DecodeOptions;
import dev.seqtoolkit.summarize.extractive.ExtractiveConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ABSTRACTIVE mode behind the {@link Summarizer}: an {@link AbstractiveSummarizer}. A length in
 * words caps the generated tokens; a length in sentences does not apply to generated text and is
 * refused.
 */
final class AbstractiveModel implements SummaryModel {
    private final AbstractiveSummarizer model;
    private final SummarizerConfig config;

    AbstractiveModel(AbstractiveSummarizer model) {
        this.model = model;
        this.config = new SummarizerConfig(SummarizerConfig.Mode.ABSTRACTIVE, ExtractiveConfig.builder().build(),
                (ObjectNode) model.config().toJsonTree());
    }

    AbstractiveSummarizer model() {
        return model;
    }

    @Override
    public SummarizerConfig config() {
        return config;
    }

    @Override
    public List<Summary> summarize(List<String> documents, SummaryLength length) {
        DecodeOptions options = model.config().decoding();
        switch (length.kind()) {
            case DEFAULT -> { }
            case WORDS -> options = options.withLengths(Math.min(options.minLength(), length.value()), length.value());
            case SENTENCES -> throw new IllegalArgumentException("an abstractive summary is generated token by token: "
                    + "give its length in words (SummaryLength.words, --words), not in sentences");
        }
        List<Summary> out = new ArrayList<>(documents.size());
        for (String text : model.summarize(documents, options)) {
            out.add(new Summary(text.isBlank() ? List.of() : List.of(text.strip()), 0, 0));
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
