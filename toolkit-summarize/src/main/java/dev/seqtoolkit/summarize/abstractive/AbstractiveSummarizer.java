package dev.seqtoolkit.summarize.abstractive;

import ai.djl.ndarray.NDManager;
import dev.seqtoolkit.core.decode.DecodeStrategy;
import dev.seqtoolkit.core.decode.Hypothesis;
import dev.seqtoolkit.core.decode.StepModelPool;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.onnx.OrtStepModel;
import dev.seqtoolkit.core.seq2seq.DjlStepModel;
import dev.seqtoolkit.core.seq2seq.Seq2SeqModel;
import dev.seqtoolkit.core.text.Vocabulary;
import dev.seqtoolkit.core.train.TrainingResult;
import dev.seqtoolkit.summarize.SummaryExample;
import dev.seqtoolkit.summarize.TrainingOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Abstractive summarization with an attentional recurrent encoder-decoder, optionally with the
 * pointer-generator copy mechanism and coverage (See et al. 2017): trains on {@link SummaryExample}s,
 * summarizes documents by greedy or beam search, saves to and loads from a model bundle.
 *
 * <p><b>Text.</b> Documents and summaries are CoreNLP words (see {@link AbstractiveConfig.Text}),
 * a document's lines (dialogue turns) joined by a turn token that never appears in a summary. A
 * document is cut to {@code text.maxSourceTokens} tokens, in training and when summarizing. With copy
 * the document's words outside the vocabulary can be copied into the summary by their text; without
 * it they read as {@code <unk>}, which a summary may then contain.
 *
 * <p><b>Threads.</b> A summarizer is safe to call from many threads at once: each call borrows a step
 * model (decoder state and scratch) of its own over the shared read-only weights, made on demand up
 * to the number of processors. For throughput pass many documents to one call.
 *
 * <p><b>Bad input.</b> A null document fails naming its index; an empty or blank document
 * summarizes to an empty string without running the model.
 */
public final class AbstractiveSummarizer implements AutoCloseable {
    /** The task name in the bundle's config. */
    public static final String TASK = "abstractive-summarization";

    private final AbstractiveConfig config;
    private final AbstractiveText text;
    private final Seq2SeqModel model; // null when loaded from an ONNX export
    private final NDManager manager; // null when loaded from an ONNX export
    private final StepModelPool models;
    private final TrainingReport report;

    /**
     * What a training run did.
     *
     * @param training the trainer's result (epochs, losses, best dev loss)
     * @param trainExamples training examples used
     * @param devExamples dev examples used
     * @param skippedEmpty examples left out because the document or the summary has no token
     * @param truncatedDocuments training documents cut to {@code text.maxSourceTokens}
     * @param truncatedSummaries training summaries cut to {@code text.maxTargetTokens}
     * @param vocabularySize ids in the vocabulary, reserved ones included
     * @param seconds wall time of the whole run
     */
    public record TrainingReport(TrainingResult training, int trainExamples, int devExamples, int skippedEmpty,
            int truncatedDocuments, int truncatedSummaries, int vocabularySize, double seconds) {}

    AbstractiveSummarizer(AbstractiveConfig config, AbstractiveText text, Seq2SeqModel model, NDManager manager,
            TrainingReport report) {
        this.config = config;
        this.text = text;
        this.model = model;
        this.manager = manager;
        this.report = report;
        this.models = new StepModelPool(() -> DjlStepModel.of(model, manager),
                Math.max(1, Runtime.getRuntime().availableProcessors()), "summarizer");
    }

    /** A summarizer over an exported model in ONNX Runtime, lent to every caller at once. */
    AbstractiveSummarizer(AbstractiveConfig config, AbstractiveText text, OrtStepModel onnx) {
        this.config = config;
        this.text = text;
        this.model = null;
        this.manager = null;
        this.report = null;
        this.models = StepModelPool.concurrent(onnx, "summarizer");
    }

    /**
     * Trains a summarizer (see {@link AbstractiveConfig} for every setting) with a progress bar.
     *
     * @param train the training examples
     * @param dev examples whose loss is evaluated after every epoch for early stopping; may be empty
     * @param runDirectory where checkpoints, {@code metrics.jsonl} and {@code loss.png} go; or null
     * @return the trained summarizer, with the parameters of the epoch of lowest dev loss (close it)
     * @throws IllegalArgumentException if no training example has both a document and a summary
     */
    public static AbstractiveSummarizer train(AbstractiveConfig config, List<SummaryExample> train,
            List<SummaryExample> dev, Path runDirectory) throws IOException {
        return train(config, train, dev, runDirectory, true);
    }

    /** As {@link #train(AbstractiveConfig, List, List, Path)}, with or without the progress bar. */
    public static AbstractiveSummarizer train(AbstractiveConfig config, List<SummaryExample> train,
            List<SummaryExample> dev, Path runDirectory, boolean progressBar) throws IOException {
        return train(config, train, dev, TrainingOptions.builder().optRunDirectory(runDirectory)
                .optProgressBar(progressBar).build());
    }

    /**
     * As {@link #train(AbstractiveConfig, List, List, Path)}, run as {@code options} say: with a
     * run directory, a progress bar, or resuming an interrupted run.
     */
    public static AbstractiveSummarizer train(AbstractiveConfig config, List<SummaryExample> train,
            List<SummaryExample> dev, TrainingOptions options) throws IOException {
        return AbstractiveTraining.train(config, train, dev, options);
    }

    /**
     * Loads a summarizer saved by {@link #save}, on the configured engine.
     *
     * @throws IOException naming what is wrong: no such directory, a missing, truncated or modified
     *     file, not an abstractive summarizer, an invalid config or vocabulary, or parameters that do
     *     not fit
     */
    public static AbstractiveSummarizer load(Path directory) throws IOException {
        if (AbstractiveOnnx.isExport(directory)) {
            return loadOnnx(directory, OnnxModel.Options.defaults());
        }
        return AbstractiveBundle.load(directory);
    }

    /**
     * Loads a summarizer written by {@link #exportOnnx}; it summarizes in ONNX Runtime with the same
     * search code, and every thread shares the one session pair.
     *
     * @param options ONNX Runtime's thread count and optimisation level
     * @throws IOException naming the file and the problem (see {@link #load})
     */
    public static AbstractiveSummarizer loadOnnx(Path directory, OnnxModel.Options options) throws IOException {
        return AbstractiveOnnx.load(directory, options);
    }

    /** Whether {@code directory} holds an ONNX export of a summarizer rather than a model bundle. */
    public static boolean isOnnxExport(Path directory) {
        return AbstractiveOnnx.isExport(directory);
    }

    /**
     * Saves the summarizer as a model bundle (config, vocabulary, parameters, provenance), replacing an
     * earlier bundle at {@code directory} only once the new one is complete.
     *
     * @throws UnsupportedOperationException for a summarizer loaded from an ONNX export
     */
    public void save(Path directory) throws IOException {
        AbstractiveBundle.save(directory, djlModel("saved as a model bundle"));
    }

    /**
     * Exports the model to ONNX with its vocabulary and config beside it (see {@link AbstractiveOnnx}
     * for the layout), replacing an earlier export at {@code directory} only once the new one is
     * complete; {@link #load} and {@link #loadOnnx} read it back.
     *
     * @throws UnsupportedOperationException for a model with an utterance encoder (it does not export
     *     yet), or a summarizer loaded from an ONNX export
     */
    public void exportOnnx(Path directory) throws IOException {
        djlModel("exported again");
        AbstractiveOnnx.export(directory, this);
    }

    private AbstractiveSummarizer djlModel(String what) {
        if (model == null) {
            throw new UnsupportedOperationException("this summarizer was loaded from an ONNX export and cannot be "
                    + what + "; use the model bundle it was exported from");
        }
        return this;
    }

    /** Summarizes one document with the configured decoding. */
    public String summarize(String document) {
        return summarize(List.of(Objects.requireNonNull(document, "document")), config.decoding()).get(0);
    }

    /** Summarizes documents with the configured decoding; see {@link #summarize(List, DecodeOptions)}. */
    public List<String> summarize(List<String> documents) {
        return summarize(documents, config.decoding());
    }

    /**
     * Summarizes documents in batches of {@code options.batchSize}, documents of similar length
     * together.
     *
     * @param documents the documents; empty or blank ones give empty summaries
     * @param options the search: beam size, length limits, length penalty, trigram blocking
     * @return one summary per document, in input order
     */
    public List<String> summarize(List<String> documents, DecodeOptions options) {
        Objects.requireNonNull(documents, "documents");
        Objects.requireNonNull(options, "options");
        List<AbstractiveText.Source> sources = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            sources.add(text.source(Objects.requireNonNull(documents.get(i), "document " + i)));
        }
        List<String> out = new ArrayList<>(Collections.nCopies(sources.size(), ""));
        Integer[] order = new Integer[sources.size()];
        int n = 0;
        for (int i = 0; i < sources.size(); i++) {
            if (!sources.get(i).isEmpty()) {
                order[n++] = i;
            }
        }
        Arrays.sort(order, 0, n, Comparator.comparingInt((Integer i) -> -sources.get(i).ids().length)
                .thenComparingInt(i -> i));
        DecodeStrategy search = options.strategy();
        for (int from = 0; from < n; from += options.batchSize()) {
            int to = Math.min(n, from + options.batchSize());
            List<int[]> ids = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                ids.add(sources.get(order[k]).ids());
            }
            List<List<Hypothesis>> decoded = models.with(m -> search.decode(m, ids));
            for (int k = from; k < to; k++) {
                AbstractiveText.Source source = sources.get(order[k]);
                out.set(order[k], text.text(source, decoded.get(k - from).get(0).tokens()));
            }
        }
        return out;
    }

    /** @return the configuration */
    public AbstractiveConfig config() {
        return config;
    }

    /** @return the shared vocabulary of documents and summaries */
    public Vocabulary vocabulary() {
        return text.vocabulary();
    }

    /** @return what training reported, if this summarizer was trained in this process */
    public Optional<TrainingReport> trainingReport() {
        return Optional.ofNullable(report);
    }

    Seq2SeqModel model() {
        djlModel("read as a DJL model");
        return model;
    }

    /** @return the number of step models made so far (at most one per concurrent caller) */
    int stepModels() {
        return models.size();
    }

    /** Frees the model; later calls fail. */
    @Override
    public void close() {
        try {
            models.close();
        } finally {
            if (manager != null) {
                manager.close();
            }
        }
    }
}
