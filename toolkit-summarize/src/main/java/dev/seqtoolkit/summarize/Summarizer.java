package dev.seqtoolkit.summarize;

import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.io.ModelBundle;
import dev.seqtoolkit.core.onnx.OnnxModel;
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
                    train, dev, options));
        });
    }

    /**
     * Loads a saved summarizer of either mode, as its bundle says, or an abstractive summarizer's
     * ONNX export ({@link #exportOnnx}), which then runs in ONNX Runtime.
     *
     * @throws IOException naming the directory or file and what is wrong
     */
    public static Summarizer load(Path directory) throws IOException {
        return load(directory, OnnxModel.Options.defaults());
    }

    /**
     * As {@link #load(Path)}, with ONNX Runtime's thread count and optimisation level for an export.
     *
     * @param onnxOptions used only when {@code directory} is an ONNX export
     */
    public static Summarizer load(Path directory, OnnxModel.Options onnxOptions) throws IOException {
        if (AbstractiveSummarizer.isOnnxExport(directory)) {
            return new Summarizer(new AbstractiveModel(AbstractiveSummarizer.loadOnnx(directory, onnxOptions)));
        }
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
     * @param scores ROUGE-1, ROUGE-2 and summary-level ROUGE-L, repeated trigrams and lengths, as
     *     {@link SummaryEvaluation#evaluateSentences} computes them
     * @param truncatedDocuments documents longer than the model reads
     * @param documentsPerSecond summarization speed (ROUGE scoring excluded)
     */
    public record Evaluation(SummaryEvaluation scores, int truncatedDocuments, double documentsPerSecond) {
        /** @return the number of documents scored */
        public int documents() {
            return scores.documents();
        }
    }

    /** {@link #evaluate(List, SummaryLength)} at the model's default length. */
    public Evaluation evaluate(List<SummaryExample> examples) {
        return evaluate(examples, SummaryLength.defaults());
    }

    /**
     * Summarizes every example's document and scores the summaries against the references with
     * {@link SummaryEvaluation#evaluateSentences} (the toolkit's one ROUGE: stemming on, mean over
     * documents, one-line summaries split into sentences for ROUGE-L).
     */
    public Evaluation evaluate(List<SummaryExample> examples, SummaryLength length) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("nothing to evaluate: no examples");
        }
        List<String> documents = new ArrayList<>(examples.size());
        List<String> references = new ArrayList<>(examples.size());
        for (SummaryExample e : examples) {
            documents.add(e.document());
            references.add(e.summary());
        }
        long started = System.nanoTime();
        List<Summary> summaries = summarize(documents, length);
        double seconds = (System.nanoTime() - started) / 1e9;
        int truncated = 0;
        List<String> candidates = new ArrayList<>(summaries.size());
        for (Summary s : summaries) {
            truncated += s.truncated() ? 1 : 0;
            candidates.add(s.text());
        }
        return new Evaluation(SummaryEvaluation.evaluateSentences(candidates, references), truncated,
                examples.size() / seconds);
    }

    /**
     * Exports an abstractive summarizer to ONNX (graphs, vocabulary and config in one directory,
     * written atomically); {@link #load} reads the export back and runs it in ONNX Runtime.
     *
     * @throws UnsupportedOperationException for an extractive summarizer (its sentence scorer does not
     *     export), a model with an utterance encoder, or a summarizer that is itself an export
     */
    public void exportOnnx(Path directory) throws IOException {
        if (!(model instanceof AbstractiveModel a)) {
            throw new UnsupportedOperationException("ONNX export covers the abstractive summarizer; the extractive "
                    + "sentence scorer does not export");
        }
        a.model().exportOnnx(directory);
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
