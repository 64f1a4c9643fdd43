package dev.seqtoolkit.sentiment;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.hierarchy.EncodedDocument;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatcher;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.metrics.ClassificationReport;
import dev.seqtoolkit.core.nn.PretrainedVectors;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.text.Vocabulary;
import dev.seqtoolkit.core.text.VocabularyBuilder;
import dev.seqtoolkit.core.train.AdamOptimizer;
import dev.seqtoolkit.core.train.BatchSource;
import dev.seqtoolkit.core.train.EarlyStopping;
import dev.seqtoolkit.core.train.GradientClipping;
import dev.seqtoolkit.core.train.LearningRateSchedule;
import dev.seqtoolkit.core.train.LossEvaluator;
import dev.seqtoolkit.core.train.MetricMode;
import dev.seqtoolkit.core.train.ToolkitTrainer;
import dev.seqtoolkit.core.train.TrainingResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A trained text classifier: {@link SentimentClassifier} (sentences) or {@link
 * DocumentSentimentClassifier} (hierarchical, documents), running on DJL (trained, or loaded from a
 * bundle) or in ONNX Runtime (loaded from an {@link #export export}) behind the same API.
 *
 * <p><b>Threads.</b> Prediction and evaluation may be called from many threads at once: the
 * tokenizers are thread-safe, the parameters are only read, and every call works in its own
 * sub-manager (DJL) or its own tensors (ONNX Runtime) that it closes. {@link #close()} must not race
 * with calls in flight.
 */
public abstract class TextClassifier implements AutoCloseable {
    /** Texts per batch in {@link #predict(List)} and {@link #evaluate}. */
    public static final int PREDICT_BATCH = 64;

    /** What a classifier runs on. */
    public enum Backend {
        /** The DJL network, on the configured engine (PyTorch or MXNet). */
        DJL,
        /** An ONNX export in ONNX Runtime. */
        ONNX_RUNTIME
    }

    private final SentimentConfig config;
    private final Vocabulary vocabulary;
    private final TextPipeline pipeline;
    private final ClassifierNetwork network;
    private final Scorer scorer;
    private final TrainingReport report;
    private final Provenance provenance;

    TextClassifier(Parts parts) {
        this.config = parts.config;
        this.vocabulary = parts.vocabulary;
        this.pipeline = parts.pipeline;
        this.network = parts.network;
        this.scorer = parts.scorer;
        this.report = parts.report;
        this.provenance = parts.provenance;
    }

    /**
     * Everything a classifier is made of (package-private plumbing between training, loading and the
     * facades).
     *
     * @param network the DJL network, or null for an ONNX export
     * @param report the training report when trained in this process, else null
     * @param provenance the provenance read with a bundle or export, else null
     */
    record Parts(SentimentConfig config, Vocabulary vocabulary, TextPipeline pipeline, ClassifierNetwork network,
            Scorer scorer, TrainingReport report, Provenance provenance) {}

    public SentimentConfig config() {
        return config;
    }

    /** The declared labels, in the order of {@link Prediction#probabilities()}. */
    public List<String> labels() {
        return config.labels();
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The network (read its parameters; do not train it concurrently with predictions).
     *
     * @throws IllegalStateException if the classifier runs in ONNX Runtime and has no DJL network
     */
    public ClassifierNetwork network() {
        if (network == null) {
            throw new IllegalStateException("this classifier runs in ONNX Runtime (loaded from an ONNX export); "
                    + "it has no DJL network");
        }
        return network;
    }

    /** Whether predictions run on the DJL network or in ONNX Runtime. */
    public Backend backend() {
        return scorer.backend();
    }

    /** The provenance the classifier was loaded with (bundle or export); empty when trained in this process. */
    public Optional<Provenance> provenance() {
        return Optional.ofNullable(provenance);
    }

    /** The training report when this classifier was trained in this process. */
    public Optional<TrainingReport> trainingReport() {
        return Optional.ofNullable(report);
    }

    /**
     * Classifies one text. Empty text (or text without tokens) reads as a single {@code <unk>} and
     * the prediction says {@link Prediction#empty()}; text over the limits is truncated (counted in
     * the prediction) or refused with a {@link dev.seqtoolkit.core.hierarchy.DocumentTooLongException},
     * as the config says.
     */
    public Prediction predict(String text) {
        return predict(List.of(Objects.requireNonNull(text, "text"))).get(0);
    }

    /** Classifies texts in batches of {@value #PREDICT_BATCH}; results in input order. */
    public List<Prediction> predict(List<String> texts) {
        List<EncodedDocument> docs = new ArrayList<>(texts.size());
        for (String t : texts) {
            docs.add(pipeline.encode(Objects.requireNonNull(t, "text"), vocabulary));
        }
        return predictEncoded(docs);
    }

    private List<Prediction> predictEncoded(List<EncodedDocument> docs) {
        List<Prediction> out = new ArrayList<>(docs.size());
        for (int start = 0; start < docs.size(); start += PREDICT_BATCH) {
            List<EncodedDocument> chunk = docs.subList(start, Math.min(docs.size(), start + PREDICT_BATCH));
            List<List<int[]>> ids = new ArrayList<>(chunk.size());
            for (EncodedDocument d : chunk) {
                ids.add(d.ids());
            }
            HierarchicalBatch batch = HierarchicalBatch.of(ids);
            Scorer.Scores o = scorer.score(batch);
            float[] probs = o.probabilities();
            float[] words = o.wordWeights();
            float[] sentences = o.sentenceWeights();
            int classes = labels().size();
            int row = 0; // packed sentence row
            for (int d = 0; d < chunk.size(); d++) {
                EncodedDocument doc = chunk.get(d);
                double[] p = new double[classes];
                int best = 0;
                for (int c = 0; c < classes; c++) {
                    p[c] = probs[d * classes + c];
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                List<SentenceAttention> attention = new ArrayList<>();
                for (int s = 0; s < doc.sentenceCount(); s++, row++) {
                    if (doc.empty()) {
                        continue;
                    }
                    List<String> tokens = doc.tokens().get(s);
                    double[] w = new double[words == null ? 0 : tokens.size()];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = words[row * batch.maxWords() + i];
                    }
                    double sw = sentences == null ? 1.0 : sentences[d * batch.maxSentences() + s];
                    attention.add(new SentenceAttention(tokens, w, sw));
                }
                out.add(new Prediction(labels().get(best), labels(), p, attention, doc.empty(),
                        doc.droppedSentences(), doc.droppedWords()));
            }
        }
        return out;
    }

    /**
     * Scores the classifier on labelled texts: accuracy, macro-F1, per-class figures and the
     * confusion matrix. A label outside the declared set fails naming the example's source.
     */
    public Evaluation evaluate(List<LabeledText> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("nothing to evaluate: no examples");
        }
        int[] gold = labelIds(examples, config.labels());
        long started = System.nanoTime();
        List<String> texts = new ArrayList<>(examples.size());
        for (LabeledText e : examples) {
            texts.add(e.text());
        }
        List<Prediction> predictions = predict(texts);
        double seconds = (System.nanoTime() - started) / 1e9;
        int[] predicted = new int[gold.length];
        int truncated = 0;
        for (int i = 0; i < gold.length; i++) {
            Prediction p = predictions.get(i);
            predicted[i] = config.labels().indexOf(p.label());
            if (p.droppedWords() > 0 || p.droppedSentences() > 0) {
                truncated++;
            }
        }
        return new Evaluation(ClassificationReport.of(config.labels(), gold, predicted), gold.length / seconds, truncated);
    }

    /**
     * Loads a bundle or an ONNX export (written by {@link #export}) of either architecture: a {@link
     * SentimentClassifier} or a {@link DocumentSentimentClassifier}, as its config says. An export
     * runs in ONNX Runtime with {@link OnnxModel.Options#defaults()} (one intra-op thread, all graph
     * optimisations); {@link #loadOnnx} chooses other options.
     */
    public static TextClassifier load(Path directory) throws IOException {
        if (ClassifierOnnx.isExport(directory)) {
            return loadOnnx(directory, OnnxModel.Options.defaults());
        }
        return SentimentBundle.architecture(directory) == SentimentConfig.Architecture.HIERARCHICAL
                ? DocumentSentimentClassifier.load(directory)
                : SentimentClassifier.load(directory);
    }

    /** Whether {@code directory} holds an ONNX export written by {@link #export} (rather than a bundle). */
    public static boolean isOnnxExport(Path directory) {
        return ClassifierOnnx.isExport(directory);
    }

    /**
     * Loads an ONNX export written by {@link #export}; it predicts and evaluates like the DJL form,
     * in ONNX Runtime with the given thread count and optimisation level.
     *
     * @throws IOException naming the file and the problem: missing files, not a classifier export, an
     *     invalid config, a vocabulary that is not the exported one, or a graph that is not ONNX,
     *     truncated, too new or of the wrong signature ({@link dev.seqtoolkit.core.onnx.InvalidModelException})
     */
    public static TextClassifier loadOnnx(Path directory, OnnxModel.Options options) throws IOException {
        Parts parts = ClassifierOnnx.load(directory, options, null);
        return parts.config().architecture() == SentimentConfig.Architecture.HIERARCHICAL
                ? new DocumentSentimentClassifier(parts)
                : new SentimentClassifier(parts);
    }

    /**
     * Splits labelled examples into a training part and a held-out part of {@code fraction}, with a
     * seeded shuffle; the same (examples, fraction, seed) always give the same split.
     *
     * @return {@code [train, heldOut]}, each in the examples' order
     */
    public static List<List<LabeledText>> holdOut(List<LabeledText> examples, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + fraction);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        int n = (int) Math.round(examples.size() * fraction);
        boolean[] held = new boolean[examples.size()];
        for (int i = 0; i < n; i++) {
            held[order.get(i)] = true;
        }
        List<LabeledText> train = new ArrayList<>();
        List<LabeledText> dev = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            (held[i] ? dev : train).add(examples.get(i));
        }
        return List.of(train, dev);
    }

    /**
     * Saves the classifier as a model bundle (atomically).
     *
     * @throws IllegalStateException if the classifier runs in ONNX Runtime (it has no DJL parameters;
     *     keep the bundle it was exported from)
     */
    public void save(Path directory) throws IOException {
        if (network == null) {
            throw new IllegalStateException("this classifier was loaded from an ONNX export and cannot be saved as a "
                    + "DJL bundle; keep the bundle it was exported from");
        }
        SentimentBundle.save(directory, this);
    }

    /**
     * Exports the classifier for ONNX Runtime: one graph with the vocabulary, config and provenance
     * beside it (see {@link ClassifierOnnx} for the layout), replacing an earlier export at {@code
     * directory} only once the new one is complete. {@link #load} and {@link #loadOnnx} read it back.
     *
     * @throws IllegalStateException if the classifier was itself loaded from an export
     */
    public void export(Path directory) throws IOException {
        if (network == null) {
            throw new IllegalStateException("this classifier was loaded from an ONNX export; export the bundle it "
                    + "came from instead");
        }
        ClassifierOnnx.export(directory, this);
    }

    @Override
    public void close() {
        scorer.close();
    }

    // ---------------------------------------------------------------------------------------------
    // training

    /** Label ids of the examples; a label outside the declared set fails naming the example's source. */
    static int[] labelIds(List<LabeledText> examples, List<String> labels) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        int[] ids = new int[examples.size()];
        for (int i = 0; i < ids.length; i++) {
            LabeledText e = examples.get(i);
            Integer id = index.get(e.label());
            if (id == null) {
                throw new IllegalArgumentException((e.source().isEmpty() ? "example " + (i + 1) : e.source())
                        + ": label \"" + e.label() + "\" is not in the declared label set " + labels);
            }
            ids[i] = id;
        }
        return ids;
    }

    /** Trains the network a config describes; the facades wrap the parts. */
    static Parts trainParts(SentimentConfig config, List<LabeledText> train, List<LabeledText> dev, TrainingOptions options)
            throws IOException {
        long started = System.nanoTime();
        if (train.isEmpty() || dev.isEmpty()) {
            throw new IllegalArgumentException("training needs examples in both sets, got " + train.size()
                    + " training and " + dev.size() + " dev examples");
        }
        int[] trainLabels = labelIds(train, config.labels());
        int[] devLabels = labelIds(dev, config.labels());
        TextPipeline pipeline = new TextPipeline(config);
        List<List<List<String>>> trainWords = new ArrayList<>(train.size());
        VocabularyBuilder vb = Vocabulary.builder().optMinCount(config.minCount()).optMaxSize(config.maxVocabulary());
        for (LabeledText e : train) {
            List<List<String>> sentences = pipeline.sentences(e.text());
            trainWords.add(sentences);
            vb.addAll(sentences);
        }
        Vocabulary vocabulary = vb.build();
        List<List<int[]>> trainIds = new ArrayList<>(train.size());
        int truncated = 0;
        for (List<List<String>> sentences : trainWords) {
            EncodedDocument d = EncodedDocument.of(sentences, vocabulary, pipeline.limits());
            truncated += d.truncated() ? 1 : 0;
            trainIds.add(d.ids());
        }
        List<List<int[]>> devIds = new ArrayList<>(dev.size());
        for (LabeledText e : dev) {
            devIds.add(pipeline.encode(e.text(), vocabulary).ids());
        }
        NDManager manager = Engines.newManager();
        try {
            ClassifierNetwork network = config.architecture() == SentimentConfig.Architecture.HIERARCHICAL
                    ? DocumentClassifierBlock.of(config, vocabulary.size())
                    : SentenceClassifierBlock.of(config, vocabulary.size());
            Engines.engine().setRandomSeed((int) config.seed());
            network.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
            network.initialize(manager, DataType.FLOAT32, network.initializationShapes());
            if (config.embeddingsFile() != null) {
                network.embedding().loadPretrained(Path.of(config.embeddingsFile()), config.embeddingsFormat(),
                        vocabulary.tokens(), config.seed(), PretrainedVectors.DEFAULT_SCALE);
            }
            Pretraining pretraining = options.pretrained() == null ? null
                    : Pretraining.copy(options.pretrained(), network, vocabulary);
            HierarchicalBatcher batcher = HierarchicalBatcher.builder().setBatchSize(config.batchSize())
                    .optShuffle(true).optSeed(config.seed()).optBucketWindow(config.batchSize() * 20).build();
            HierarchicalBatcher inOrder = HierarchicalBatcher.builder().setBatchSize(PREDICT_BATCH).build();
            List<LabeledBatch> devBatches = labelled(inOrder.batches(devIds, 0), devLabels);
            int perEpoch = batcher.batches(trainIds, 0).size();
            BatchSource<LabeledBatch> trainSource = new BatchSource<>() {
                @Override
                public Iterator<LabeledBatch> epoch(int epoch) {
                    return labelled(batcher.batches(trainIds, epoch), trainLabels).iterator();
                }

                @Override
                public int batchesPerEpoch() {
                    return perEpoch;
                }
            };
            ClassificationTask task = new ClassificationTask(network);
            ToolkitTrainer.Builder<LabeledBatch> tb = ToolkitTrainer.<LabeledBatch>builder()
                    .setTask(task)
                    .setTrainingData(trainSource)
                    .setOptimizer(AdamOptimizer.builder().build())
                    .setSchedule(LearningRateSchedule.fixed(config.learningRate()))
                    .setEpochs(config.epochs())
                    .optClipping(config.clipNorm() > 0 ? GradientClipping.byGlobalNorm(config.clipNorm())
                            : GradientClipping.none())
                    .optDevEvaluator(new LossEvaluator<>(task, epoch -> devBatches.iterator()))
                    .optEarlyStopping(EarlyStopping.builder().setMetric("accuracy").optMode(MetricMode.MAX)
                            .optPatience(config.patience()).build())
                    .optProgressBar(options.progressBar())
                    .optSeed(config.seed());
            if (options.runDirectory() != null) {
                tb.optRunDirectory(options.runDirectory());
            }
            ToolkitTrainer<LabeledBatch> trainer = tb.build();
            TrainingResult result = options.resume() ? trainer.resume(options.runDirectory()) : trainer.fit();
            TrainingReport report = new TrainingReport(result, train.size(), dev.size(), vocabulary.size(), truncated,
                    pretraining, (System.nanoTime() - started) / 1e9);
            return new Parts(config, vocabulary, pipeline, network, new DjlScorer(network, manager), report, null);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static List<LabeledBatch> labelled(List<HierarchicalBatch> batches, int[] labels) {
        List<LabeledBatch> out = new ArrayList<>(batches.size());
        for (HierarchicalBatch b : batches) {
            int[] idx = b.exampleIndices();
            int[] y = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                y[i] = labels[idx[i]];
            }
            out.add(new LabeledBatch(b, y));
        }
        return out;
    }

    /** For tests: the scores of a batch of texts as the backend returns them. */
    Scorer.Scores scores(List<String> texts) {
        List<List<int[]>> ids = new ArrayList<>();
        for (String t : texts) {
            ids.add(pipeline.encode(t, vocabulary).ids());
        }
        return scorer.score(HierarchicalBatch.of(ids));
    }

    TextPipeline pipeline() {
        return pipeline;
    }
}
