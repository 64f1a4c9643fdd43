package dev.seqtoolkit.summarize;

import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.io.ModelBundle;
import dev.seqtoolkit.core.metrics.Rouge;
import dev.seqtoolkit.core.text.CoreNlpTokenizer;
import dev.seqtoolkit.summarize.abstractive.AbstractiveConfig;
import dev.seqtoolkit.summarize.abstractive.AbstractiveSummarizer;
import dev.seqtoolkit.summarize.extractive.ExtractiveSummarizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The summarization facade: train a model of the {@link SummarizerConfig.Mode} the config names,
 * summarize texts, score it with ROUGE, save and load it.
 *
 * <pre>{@code
 * SummarizerConfig config = Summarizer.builder().optExtractive(
 *         ExtractiveConfig.builder().optEpochs(3).build()).build();
 * try (Summarizer s = Summarizer.train(config, train, dev, TrainingOptions.defaults())) {
 *     Summary summary = s.summarize(article, SummaryLength.sentences(3));
 *     Summarizer.Evaluation e = s.evaluate(test);
 *     s.save(Path.of("models/cnndm-extractive"));
 * }
 * }</pre>
 *
 * <p><b>Modes.</b> EXTRACTIVE is an {@link ExtractiveSummarizer} (SummaRuNNer): see there for the
 * document length bound (truncated and reported in {@link Summary}, or refused). ABSTRACTIVE is not
 * available in this build: training or loading such a model fails with an {@link
 * UnsupportedOperationException} saying so.
 *
 * <p><b>Threads.</b> {@code summarize} and {@code evaluate} may be called from many threads at once;
 * {@link #close()} must not race with calls in flight.
 */
public final class Summarizer implements AutoCloseable {
    private final SummaryModel model;

    private Summarizer(SummaryModel model) {
        this.model = model;
    }

    /** A config builder (EXTRACTIVE with the default extractive config). */
    public static SummarizerConfig.Builder builder() {
        return SummarizerConfig.builder();
    }

    /**
     * Trains the model the config describes on {@code train}, picking the best epoch on {@code dev}
     * (early stopping as the mode's config says).
     */
    public static Summarizer train(SummarizerConfig config, List<SummaryExample> train, List<SummaryExample> dev,
            TrainingOptions options) throws IOException {
        Objects.requireNonNull(config, "config");
        return new Summarizer(switch (config.mode()) {
            case EXTRACTIVE -> new ExtractiveModel(ExtractiveSummarizer.train(config.extractive(), train, dev, options));
            case ABSTRACTIVE -> new AbstractiveModel(AbstractiveSummarizer.train(
                    AbstractiveConfig.fromJsonTree(config.abstractive(), "summarizer config \"abstractive\""),
                    train, dev, options.runDirectory(), options.progressBar()));
        });
    }

    /**
     * Loads a saved summarizer of either mode, as its bundle says.
     *
     * @throws IOException naming the directory or file and what is wrong
     */
    public static Summarizer load(Path directory) throws IOException {
        ModelBundle bundle = ModelBundle.load(directory);
        String task = bundle.config().path("task").asText("");
        if (ExtractiveSummarizer.TASK.equals(task)) {
            return new Summarizer(new ExtractiveModel(ExtractiveSummarizer.load(directory)));
        }
        if (AbstractiveSummarizer.TASK.equals(task)) {
            return new Summarizer(new AbstractiveModel(AbstractiveSummarizer.load(directory)));
        }
        throw new BundleException(bundle.directory().resolve(ModelBundle.CONFIG) + ": not a summarization model (task is '"
                + task + "'; this build reads '" + ExtractiveSummarizer.TASK + "' and '"
                + AbstractiveSummarizer.TASK + "')");
    }

    /** The config of this summarizer. */
    public SummarizerConfig config() {
        return model.config();
    }

    /** The extractive model behind this summarizer, if it is one. */
    public Optional<ExtractiveSummarizer> extractive() {
        return model instanceof ExtractiveModel e ? Optional.of(e.model()) : Optional.empty();
    }

    /** The abstractive model behind this summarizer, if it is one (for decoding options beyond a length). */
    public Optional<AbstractiveSummarizer> abstractive() {
        return model instanceof AbstractiveModel a ? Optional.of(a.model()) : Optional.empty();
    }

    /** Summarizes one document at the model's default length. */
    public Summary summarize(String document) {
        return summarize(document, SummaryLength.defaults());
    }

    /** Summarizes one document. An empty document gives an empty summary. */
    public Summary summarize(String document, SummaryLength length) {
        return summarize(List.of(Objects.requireNonNull(document, "document")), length).get(0);
    }

    /** Summarizes documents at the model's default length, in batches; results in input order. */
    public List<Summary> summarize(List<String> documents) {
        return summarize(documents, SummaryLength.defaults());
    }

    /** Summarizes documents in batches; results in input order. */
    public List<Summary> summarize(List<String> documents, SummaryLength length) {
        Objects.requireNonNull(documents, "documents");
        return model.summarize(documents, Objects.requireNonNull(length, "length"));
    }

    /**
     * ROUGE of this summarizer on examples.
     *
     * @param rouge mean ROUGE-1, ROUGE-2 and summary-level ROUGE-L over the documents
     * @param documents examples scored
     * @param truncatedDocuments documents longer than the model reads
     * @param documentsPerSecond summarization speed (ROUGE scoring excluded)
     */
    public record Evaluation(Rouge.Scores rouge, int documents, int truncatedDocuments, double documentsPerSecond) {}

    /** {@link #evaluate(List, SummaryLength)} at the model's default length. */
    public Evaluation evaluate(List<SummaryExample> examples) {
        return evaluate(examples, SummaryLength.defaults());
    }

    /**
     * Summarizes every example's document and scores the summaries against the references with
     * ROUGE (stemming on, mean over documents).
     */
    public Evaluation evaluate(List<SummaryExample> examples, SummaryLength length) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("nothing to evaluate: no examples");
        }
        List<String> documents = new ArrayList<>(examples.size());
        for (SummaryExample e : examples) {
            documents.add(e.document());
        }
        long started = System.nanoTime();
        List<Summary> summaries = summarize(documents, length);
        double seconds = (System.nanoTime() - started) / 1e9;
        int truncated = 0;
        for (Summary s : summaries) {
            truncated += s.truncated() ? 1 : 0;
        }
        return new Evaluation(rouge(summaries, examples), examples.size(), truncated, examples.size() / seconds);
    }

    /**
     * ROUGE of summaries against the examples' references. A reference's sentences are its lines
     * when it has several, else the sentence splitter's (as the extractive model's dev ROUGE reads
     * them), so that summary-level ROUGE-L sees sentences.
     */
    private static Rouge.Scores rouge(List<Summary> summaries, List<SummaryExample> examples) {
        List<List<String>> candidates = new ArrayList<>(summaries.size());
        List<List<String>> references = new ArrayList<>(examples.size());
        for (int i = 0; i < summaries.size(); i++) {
            candidates.add(summaries.get(i).sentences());
            String summary = examples.get(i).summary();
            List<String> reference = new ArrayList<>();
            for (String line : summary.contains("\n") ? List.of(summary.split("\n")) : ReferenceSplitter.split(summary)) {
                if (!line.isBlank()) {
                    reference.add(line.strip());
                }
            }
            references.add(reference);
        }
        return Rouge.builder().build().corpusMean(candidates, references);
    }

    /** CoreNLP's splitter, loaded on first use. */
    private static final class ReferenceSplitter {
        private static final CoreNlpTokenizer SPLITTER = CoreNlpTokenizer.create();

        static List<String> split(String text) {
            return SPLITTER.split(text);
        }
    }

    /** Saves the summarizer as a model bundle (atomically). */
    public void save(Path directory) throws IOException {
        model.save(directory);
    }

    @Override
    public void close() {
        model.close();
    }
}
