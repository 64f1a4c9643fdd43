package dev.seqtoolkit.translate;

import dev.seqtoolkit.core.decode.BeamSearch;
import dev.seqtoolkit.core.decode.DecodeStrategy;
import dev.seqtoolkit.core.decode.GreedySearch;
import dev.seqtoolkit.core.decode.Hypothesis;
import dev.seqtoolkit.core.decode.StepModel;
import dev.seqtoolkit.core.decode.StepModelPool;
import dev.seqtoolkit.core.metrics.Bleu;
import dev.seqtoolkit.core.metrics.BleuScore;
import dev.seqtoolkit.core.metrics.ChrF;
import dev.seqtoolkit.core.metrics.ChrFScore;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.text.TextFiles;
import dev.seqtoolkit.core.text.Vocabulary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Translates text with a {@link TranslationPipeline} (text to ids and back) and a {@link StepModel}
 * (the network seen one target step at a time), searched greedily or with a beam as the
 * {@link TranslatorConfig.Decoding} settings say.
 *
 * <p><b>Threads.</b> A translator is safe to call from many threads at once. The pipeline is
 * thread-safe and the search strategies keep no state between calls. Step models are not (the DJL
 * one keeps scratch state), so each call borrows one from a pool for the duration of its search:
 * with {@link Builder#setModelFactory} a caller that finds none free gets a new one over the same
 * read-only weights (up to {@link Builder#optMaxModels}); with {@link Builder#setModel} callers take
 * turns. Every call encodes its sentences into its own {@code DecoderState}. Concurrent calls are
 * not merged into one batch: for throughput pass many sentences to {@link #translate(List)}.
 *
 * <p><b>Bad input.</b> An empty or blank line translates to an empty string without running the
 * model. Unknown words become {@code <unk>} ids (and, with {@code replaceUnknown}, come back through
 * attention). A source longer than {@link TranslationPipeline#maxSourceTokens()} subwords is refused
 * with a {@link SourceTooLongException} naming the limit.
 */
public final class Translator implements AutoCloseable {

    private final TranslationPipeline pipeline;
    private final StepModelPool models;
    private final int vocabSize;
    private final TranslatorConfig config;
    private final DecodeStrategy search;
    private final ModelSaver saver;
    private final ModelSaver onnxExporter;
    private final boolean ownsModel;
    private final AutoCloseable resource;
    private final TranslatorTraining.Report report;

    /** Writes a translator's model into a bundle; supplied by whoever built the model. */
    @FunctionalInterface
    interface ModelSaver {
        void save(Path directory, Translator translator) throws IOException;
    }

    private Translator(TranslationPipeline pipeline, StepModelPool models, TranslatorConfig config, ModelSaver saver,
            ModelSaver onnxExporter, boolean ownsModel, AutoCloseable resource, TranslatorTraining.Report report) {
        this.onnxExporter = onnxExporter;
        this.pipeline = pipeline;
        this.resource = resource;
        this.report = report;
        this.models = models;
        this.vocabSize = models.with(StepModel::vocabSize);
        this.config = config;
        this.saver = saver;
        this.ownsModel = ownsModel;
        this.search = strategy(config.decoding(), 1);
        if (vocabSize != pipeline.targetVocabulary().size()) {
            throw new IllegalArgumentException("the model's target vocabulary has " + vocabSize
                    + " ids but the pipeline's has " + pipeline.targetVocabulary().size());
        }
    }

    /** @return a builder; {@code setPipeline} and {@code setModel} are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The same translator with other decoding settings; it shares the model, and closing it does not
     * close the model (close the original).
     */
    public Translator withDecoding(TranslatorConfig.Decoding decoding) {
        return new Translator(pipeline, models, config.withDecoding(decoding), saver, onnxExporter, false, null, report);
    }

    /** The search for these settings; the output limit is relative to the source only. */
    static DecodeStrategy strategy(TranslatorConfig.Decoding d, int nBest) {
        int absolute = (int) Math.min(Integer.MAX_VALUE,
                Math.ceil(d.maxLengthRatio() * TranslatorConfig.Pipeline.MAX_SOURCE_TOKENS_LIMIT) + d.maxLengthOffset());
        if (d.beamSize() == 1 && nBest == 1) {
            return GreedySearch.builder().optMaxLength(absolute)
                    .optMaxLengthRelative(d.maxLengthRatio(), d.maxLengthOffset()).build();
        }
        return BeamSearch.builder()
                .optMaxLength(absolute)
                .optBeamSize(Math.max(d.beamSize(), nBest))
                .optNBest(nBest)
                .optLengthPenalty(d.lengthPenalty())
                .optMaxLengthRelative(d.maxLengthRatio(), d.maxLengthOffset())
                .build();
    }

    /**
     * Translates one sentence.
     *
     * @param sentence the source text; empty gives empty
     * @return the translation
     * @throws SourceTooLongException if the sentence is over the length limit
     */
    public String translate(String sentence) {
        TranslationPipeline.EncodedSource source = pipeline.encodeSource(sentence);
        if (source.isEmpty()) {
            return "";
        }
        return render(source, decode(search, source.ids()).get(0)).text();
    }

    /**
     * Translates sentences in batches of {@code decoding.batchSize}, sentences of similar length
     * together; the result is in input order.
     *
     * @param sentences the source texts
     * @return one translation per sentence
     * @throws SourceTooLongException naming the sentence's index if one is over the length limit
     */
    public List<String> translate(List<String> sentences) {
        List<TranslationPipeline.EncodedSource> sources = encodeAll(sentences, null);
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
        int batchSize = config.decoding().batchSize();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            List<int[]> ids = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                ids.add(sources.get(order[k]).ids());
            }
            List<List<Hypothesis>> decoded = models.with(m -> search.decode(m, ids));
            for (int k = from; k < to; k++) {
                out.set(order[k], render(sources.get(order[k]), decoded.get(k - from).get(0)).text());
            }
        }
        return out;
    }

    private List<TranslationPipeline.EncodedSource> encodeAll(List<String> sentences, Path file) {
        List<TranslationPipeline.EncodedSource> sources = new ArrayList<>(sentences.size());
        for (int i = 0; i < sentences.size(); i++) {
            try {
                sources.add(pipeline.encodeSource(Objects.requireNonNull(sentences.get(i), "sentence " + i)));
            } catch (SourceTooLongException e) {
                throw e.at(file == null ? "sentence " + i : file + " line " + (i + 1));
            }
        }
        return sources;
    }

    /**
     * The {@code n} best translations by beam search with beam size {@code max(n, decoding.beamSize)}.
     *
     * @param sentence the source text
     * @param n how many, at least 1
     * @return up to {@code n} translations, best score first; empty for an empty sentence
     */
    public List<Translation> translateNBest(String sentence, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n-best size must be at least 1, got " + n);
        }
        TranslationPipeline.EncodedSource source = pipeline.encodeSource(sentence);
        if (source.isEmpty()) {
            return List.of();
        }
        List<Hypothesis> hypotheses = decode(strategy(config.decoding(), n), source.ids());
        List<Translation> out = new ArrayList<>(hypotheses.size());
        for (Hypothesis h : hypotheses) {
            out.add(render(source, h));
        }
        return out;
    }

    /**
     * The attention of the translation of one sentence (decoded with the default settings), over
     * subwords.
     *
     * @param sentence the source text
     * @return source and target subwords and the weights; all empty for an empty sentence
     * @throws IllegalStateException if the model reports no attention
     */
    public AttentionMatrix attention(String sentence) {
        TranslationPipeline.EncodedSource source = pipeline.encodeSource(sentence);
        if (source.isEmpty()) {
            return new AttentionMatrix(List.of(), List.of(), new float[0][]);
        }
        Hypothesis h = decode(search, source.ids()).get(0);
        if (h.attention() == null) {
            throw new IllegalStateException("this translator's model reports no attention weights");
        }
        int positions = models.with(m -> m.attentionLength(source.ids()));
        List<String> src = new ArrayList<>(source.subwords());
        while (src.size() < positions) {
            src.add(Vocabulary.EOS);
        }
        List<String> tgt = new ArrayList<>(h.tokens().length + 1);
        for (int id : h.tokens()) {
            tgt.add(pipeline.targetVocabulary().token(id));
        }
        if (h.finished()) {
            tgt.add(Vocabulary.EOS);
        }
        float[][] weights = new float[h.attention().length][];
        for (int t = 0; t < weights.length; t++) {
            weights[t] = Arrays.copyOf(h.attention()[t], positions);
        }
        return new AttentionMatrix(src.subList(0, positions), tgt, weights);
    }

    /**
     * Translates a test set and scores it against its references.
     *
     * @param sourceFile the source sentences, one per line (strict UTF-8)
     * @param referenceFile the reference translations, line for line
     * @return BLEU, chrF, time and the translations
     * @throws IOException if a file is missing or not valid UTF-8 (naming file and line), or the files
     *     differ in line count (naming both files and counts)
     */
    public EvaluationResult evaluate(Path sourceFile, Path referenceFile) throws IOException {
        TextFiles.Parallel data = TextFiles.readParallel(sourceFile, referenceFile);
        if (data.size() == 0) {
            throw new IOException("test set " + sourceFile + " is empty");
        }
        encodeAll(data.source(), sourceFile); // fails early, naming the line, if one is too long
        long start = System.nanoTime();
        List<String> hypotheses = translate(data.source());
        double seconds = (System.nanoTime() - start) / 1e9;
        List<List<String>> references = new ArrayList<>(data.size());
        for (String reference : data.target()) {
            references.add(List.of(reference));
        }
        BleuScore bleu = Bleu.builder().build().corpusScore(hypotheses, references);
        ChrFScore chrF = ChrF.builder().build().corpusScore(hypotheses, references);
        return new EvaluationResult(bleu, chrF, data.size(), seconds, hypotheses);
    }

    private List<Hypothesis> decode(DecodeStrategy strategy, int[] ids) {
        return models.with(m -> strategy.decode(m, List.of(ids))).get(0);
    }

    private Translation render(TranslationPipeline.EncodedSource source, Hypothesis h) {
        List<String> pieces = pipeline.targetPieces(h.tokens(), h.attention(),
                config.decoding().replaceUnknown() ? source : null);
        return new Translation(pipeline.detokenize(pieces), pieces, h.score(), h.logProb(), h.finished());
    }

    /**
     * Saves the translator as a model bundle (config, vocabularies, BPE merges, parameters,
     * provenance), replacing an earlier bundle at {@code directory} only once the new one is complete.
     *
     * @throws IllegalStateException if the model was given without a way to save it (a test model)
     */
    public void save(Path directory) throws IOException {
        if (saver == null) {
            throw new IllegalStateException("this translator's model cannot be saved: it was built from a bare StepModel");
        }
        saver.save(directory, this);
    }

    /**
     * Exports the translator for ONNX Runtime: encoder and decoder-step graphs with the config,
     * vocabularies, BPE merges and provenance beside them (see {@link TranslatorOnnx} for the
     * layout), replacing an earlier export at {@code directory} only once the new one is complete.
     * {@link #load} and {@link #loadOnnx} read it back.
     *
     * @throws IllegalStateException if the translator has no DJL model to export (it was built from a
     *     bare StepModel, or loaded from an export)
     */
    public void exportOnnx(Path directory) throws IOException {
        if (onnxExporter == null) {
            throw new IllegalStateException("this translator's model cannot be exported to ONNX: it has no DJL model "
                    + "(built from a bare StepModel or loaded from an ONNX export)");
        }
        onnxExporter.save(directory, this);
    }

    /** @return the text pipeline */
    public TranslationPipeline pipeline() {
        return pipeline;
    }

    /** @return the configuration */
    public TranslatorConfig config() {
        return config;
    }

    /** @return the number of step models made so far (at most one per concurrent caller) */
    int stepModels() {
        return models.size();
    }

    /** Closes the step models unless this translator is a {@link #withDecoding} view. */
    @Override
    public void close() {
        if (ownsModel) {
            try {
                models.close();
            } finally {
                if (resource != null) {
                    try {
                        resource.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot release the translator's model", e);
                    }
                }
            }
        }
    }

    /**
     * Trains a translator (see {@link TranslatorConfig} for every setting): reads the parallel
     * files strictly (invalid UTF-8 fails naming file and line; different line counts fail naming
     * both files and counts), learns BPE and vocabularies from the training pair, trains the model
     * with a progress bar, evaluates dev loss and greedy dev BLEU every epoch and stops early as
     * configured.
     *
     * @param runDirectory where checkpoints, {@code metrics.jsonl} and {@code loss.png} go; or null
     * @return the trained translator (close it)
     */
    public static Translator train(TranslatorConfig config, Path trainSource, Path trainTarget, Path devSource,
            Path devTarget, Path runDirectory) throws IOException {
        return train(config, trainSource, trainTarget, devSource, devTarget, runDirectory, true);
    }

    /** As {@link #train(TranslatorConfig, Path, Path, Path, Path, Path)}, with or without the progress bar. */
    public static Translator train(TranslatorConfig config, Path trainSource, Path trainTarget, Path devSource,
            Path devTarget, Path runDirectory, boolean progressBar) throws IOException {
        return TranslatorTraining.train(config, trainSource, trainTarget, devSource, devTarget, runDirectory,
                progressBar, false);
    }

    /**
     * Continues an interrupted {@link #train} from the last checkpoint in {@code runDirectory}:
     * parameters, optimizer, schedule, early-stopping state, step count and data order. The config
     * and files must be those of that run (the subword vocabularies are learned again from them);
     * {@code training.epochs} may be raised.
     *
     * @return the trained translator (close it)
     */
    public static Translator resume(TranslatorConfig config, Path trainSource, Path trainTarget, Path devSource,
            Path devTarget, Path runDirectory, boolean progressBar) throws IOException {
        return TranslatorTraining.train(config, trainSource, trainTarget, devSource, devTarget, runDirectory,
                progressBar, true);
    }

    /**
     * Loads a translator saved by {@link #save}, on the configured engine.
     *
     * @throws IOException naming what is wrong: no such directory, no manifest, a missing, truncated
     *     or modified file, not a translation model, an invalid config or vocabulary, or parameters
     *     that do not fit
     */
    public static Translator load(Path bundle) throws IOException {
        return load(bundle, OnnxModel.Options.defaults());
    }

    /**
     * As {@link #load(Path)}, with ONNX Runtime's thread count and optimisation level should
     * {@code bundle} be an ONNX export ({@link #exportOnnx}).
     */
    public static Translator load(Path bundle, OnnxModel.Options onnxOptions) throws IOException {
        if (TranslatorOnnx.isExport(bundle)) {
            return loadOnnx(bundle, onnxOptions);
        }
        return TranslatorBundle.load(bundle);
    }

    /**
     * Loads a translator written by {@link #exportOnnx}; it runs in ONNX Runtime with the same
     * pipeline and search code as the DJL form. {@link #load} detects an export directory too and
     * loads it with {@link OnnxModel.Options#defaults()} (one intra-op thread, all optimisations).
     *
     * @param options intra-op threads and graph optimisation level of both sessions
     * @throws IOException naming the file and the problem: missing or invalid files, vocabularies
     *     that do not match the graphs, graphs that are not ONNX, truncated, of a newer version or
     *     with unexpected inputs ({@link dev.seqtoolkit.core.onnx.InvalidModelException})
     */
    public static Translator loadOnnx(Path directory, OnnxModel.Options options) throws IOException {
        return TranslatorOnnx.load(directory, options);
    }

    /** @return what training reported, if this translator was trained in this process */
    public java.util.Optional<dev.seqtoolkit.core.train.TrainingResult> trainingResult() {
        return java.util.Optional.ofNullable(report).map(TranslatorTraining.Report::training);
    }

    /** Builder: {@code setPipeline} and {@code setModel} are required. */
    public static final class Builder {
        private TranslationPipeline pipeline;
        private StepModel model;
        private Supplier<? extends StepModel> factory;
        private StepModel shared;
        private int maxModels = Runtime.getRuntime().availableProcessors();
        private TranslatorConfig config = TranslatorConfig.defaults();
        private ModelSaver saver;
        private ModelSaver onnxExporter;
        private AutoCloseable resource;
        private TranslatorTraining.Report report;

        Builder() {}

        /** @param pipeline the text pipeline (required) */
        public Builder setPipeline(TranslationPipeline pipeline) {
            this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
            return this;
        }

        /**
         * Sets one step model, owned (closed) by the translator; concurrent calls take turns using
         * it. Either this or {@link #setModelFactory} is required.
         */
        public Builder setModel(StepModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * Sets a factory of step models over the same weights: concurrent calls each borrow one,
         * a new one is made when none is free, up to {@link #optMaxModels} (default: the number of
         * processors). The translator closes them.
         */
        public Builder setModelFactory(Supplier<? extends StepModel> factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Sets one thread-safe step model (such as {@code OrtStepModel}) that every concurrent call
         * uses at once; the translator closes it. One of this, {@link #setModel} and {@link
         * #setModelFactory} is required.
         */
        public Builder setSharedModel(StepModel threadSafe) {
            this.shared = Objects.requireNonNull(threadSafe, "threadSafe");
            return this;
        }

        /** @param max the most step models a factory is asked for (at least 1) */
        public Builder optMaxModels(int max) {
            this.maxModels = max;
            return this;
        }

        /** @param config the configuration; its decoding section sets the defaults (default: all defaults) */
        public Builder optConfig(TranslatorConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        Builder optResource(AutoCloseable resource) {
            this.resource = resource;
            return this;
        }

        Builder optTrainingReport(TranslatorTraining.Report report) {
            this.report = report;
            return this;
        }

        Builder optOnnxExporter(ModelSaver exporter) {
            this.onnxExporter = exporter;
            return this;
        }

        Builder optSaver(ModelSaver saver) {
            this.saver = saver;
            return this;
        }

        /** @return the translator */
        public Translator build() {
            int models = (model != null ? 1 : 0) + (factory != null ? 1 : 0) + (shared != null ? 1 : 0);
            if (pipeline == null || models != 1) {
                throw new IllegalStateException("Translator.Builder: required setPipeline and exactly one of"
                        + " setModel, setModelFactory and setSharedModel" + (pipeline == null ? " (pipeline missing)" : "")
                        + (models > 1 ? " (" + models + " models given)" : "")
                        + (models == 0 ? " (model missing)" : ""));
            }
            StepModelPool pool = model != null ? new StepModelPool(model, "translator")
                    : shared != null ? StepModelPool.concurrent(shared, "translator")
                    : new StepModelPool(factory, maxModels, "translator");
            try {
                return new Translator(pipeline, pool, config, saver, onnxExporter, true, resource, report);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }
    }
}
