package dev.seqtoolkit.summarize.extractive;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.hierarchy.DocumentLimits;
import dev.seqtoolkit.core.hierarchy.EncodedDocument;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatcher;
import dev.seqtoolkit.core.text.Vocabulary;
import dev.seqtoolkit.core.text.VocabularyBuilder;
import dev.seqtoolkit.core.train.AdamOptimizer;
import dev.seqtoolkit.core.train.BatchSource;
import dev.seqtoolkit.core.train.EarlyStopping;
import dev.seqtoolkit.core.train.GradientClipping;
import dev.seqtoolkit.core.train.LearningRateSchedule;
import dev.seqtoolkit.core.train.MetricMode;
import dev.seqtoolkit.core.train.ToolkitTrainer;
import dev.seqtoolkit.core.train.TrainingResult;
import dev.seqtoolkit.summarize.SummaryExample;
import dev.seqtoolkit.summarize.SummaryLength;
import dev.seqtoolkit.summarize.TrainingOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Extractive summarization with SummaRuNNer (Nallapati et al. 2017): CoreNLP splits a document into
 * sentences, the {@link SummaRunnerBlock} gives every sentence a probability of belonging to the
 * summary, and the summary is the best sentences in document order. The model learns from the
 * labels of the greedy ROUGE {@link Oracle}.
 *
 * <p><b>Length limit.</b> The model reads at most {@code maxSentences} sentences of at most {@code
 * maxWordsPerSentence} words ({@link ExtractiveConfig#documentLimits()}; defaults 50 x 50, so at most
 * 2,500 word positions whatever the document's length). With overflow TRUNCATE (the default) a longer
 * document, say 50,000 words, is summarized from its first {@code maxSentences} sentences; the
 * summary reports what was dropped ({@link ExtractiveSummary#droppedSentences()}, {@link
 * ExtractiveSummary#droppedWords()}), and extracted sentences are always returned whole. With REFUSE
 * such a document fails with a {@link dev.seqtoolkit.core.hierarchy.DocumentTooLongException} naming
 * its size and the limits. The whole text is still split into sentences (CoreNLP's cost is linear
 * in the text).
 *
 * <p>An empty document (or one without any word) gives an empty summary; a one-sentence document
 * gives that sentence.
 *
 * <p><b>Threads.</b> {@code summarize} may be called from many threads at once: CoreNLP's pipeline is
 * thread-safe, the parameters are only read, and each call works in its own sub-manager that it
 * closes. {@link #close()} must not race with calls in flight.
 */
public final class ExtractiveSummarizer implements AutoCloseable {
    /** The {@code task} of this model's bundles. */
    public static final String TASK = "summarize-extractive";
    /** Documents per batch in {@link #summarize(List, SummaryLength)} (documents of similar size are batched together). */
    public static final int PREDICT_BATCH = 32;

    private final ExtractiveConfig config;
    private final Vocabulary vocabulary;
    private final DocumentText text;
    private final SummaRunnerBlock network;
    private final NDManager manager;
    private final ExtractiveTrainingReport report;

    ExtractiveSummarizer(ExtractiveConfig config, Vocabulary vocabulary, SummaRunnerBlock network, NDManager manager,
            ExtractiveTrainingReport report) {
        this(config, new DocumentText(config.lowercase()), vocabulary, network, manager, report);
    }

    private ExtractiveSummarizer(ExtractiveConfig config, DocumentText text, Vocabulary vocabulary,
            SummaRunnerBlock network, NDManager manager, ExtractiveTrainingReport report) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.text = text;
        this.network = network;
        this.manager = manager;
        this.report = report;
    }

    /** A config builder with every default. */
    public static ExtractiveConfig.Builder builder() {
        return ExtractiveConfig.builder();
    }

    public ExtractiveConfig config() {
        return config;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The network (read its parameters; do not train it concurrently with summarization). */
    public SummaRunnerBlock network() {
        return network;
    }

    NDManager manager() {
        return manager;
    }

    /** The training report when this model was trained in this process. */
    public Optional<ExtractiveTrainingReport> trainingReport() {
        return Optional.ofNullable(report);
    }

    /** Summarizes one document with the configured number of sentences. */
    public ExtractiveSummary summarize(String document) {
        return summarize(document, SummaryLength.defaults());
    }

    /** Summarizes one document. */
    public ExtractiveSummary summarize(String document, SummaryLength length) {
        return summarize(List.of(Objects.requireNonNull(document, "document")), length).get(0);
    }

    /**
     * Summarizes documents in batches of {@value #PREDICT_BATCH}; results in input order.
     *
     * @throws dev.seqtoolkit.core.hierarchy.DocumentTooLongException for a document over the limits
     *     when the config's overflow is REFUSE
     */
    public List<ExtractiveSummary> summarize(List<String> documents, SummaryLength length) {
        Objects.requireNonNull(length, "length");
        List<DocumentText.Prepared> prepared = new ArrayList<>(documents.size());
        List<EncodedDocument> encoded = new ArrayList<>(documents.size());
        for (String d : documents) {
            DocumentText.Prepared p = text.prepare(Objects.requireNonNull(d, "document"));
            prepared.add(p);
            encoded.add(EncodedDocument.of(p.tokens(), vocabulary, config.documentLimits()));
        }
        List<Integer> nonEmpty = new ArrayList<>();
        for (int i = 0; i < encoded.size(); i++) {
            if (!encoded.get(i).empty()) {
                nonEmpty.add(i);
            }
        }
        List<List<int[]>> ids = new ArrayList<>(nonEmpty.size());
        for (int i : nonEmpty) {
            ids.add(encoded.get(i).ids());
        }
        // documents of similar size share a batch, so little is padded
        HierarchicalBatcher batcher = HierarchicalBatcher.builder().setBatchSize(PREDICT_BATCH)
                .optBucketWindow(Math.max(1, ids.size())).build();
        double[][] probabilities = new double[documents.size()][];
        for (HierarchicalBatch batch : batcher.batches(ids, 0)) {
            float[] p;
            try (NDManager m = manager.newSubManager()) {
                p = Activation.sigmoid(network.logits(new ParameterStore(m, false), m, batch, false)).toFloatArray();
            }
            int[] members = batch.exampleIndices();
            for (int d = 0; d < members.length; d++) {
                int doc = nonEmpty.get(members[d]);
                double[] row = new double[encoded.get(doc).sentenceCount()];
                for (int j = 0; j < row.length; j++) {
                    row[j] = p[d * batch.maxSentences() + j];
                }
                probabilities[doc] = row;
            }
        }
        List<ExtractiveSummary> out = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            DocumentText.Prepared p = prepared.get(i);
            EncodedDocument e = encoded.get(i);
            if (e.empty()) {
                out.add(new ExtractiveSummary(List.of(), new int[0], new double[0], 0, 0, 0));
                continue;
            }
            List<String> read = p.sentences().subList(0, e.sentenceCount());
            SentenceSelector.Choice choice =
                    SentenceSelector.choose(probabilities[i], read, length, config.summarySentences());
            out.add(new ExtractiveSummary(choice.sentences(), choice.indices(), probabilities[i], p.sentences().size(),
                    e.droppedSentences(), e.droppedWords()));
        }
        return out;
    }

    /** Saves the model as a bundle (atomically). */
    public void save(Path directory) throws IOException {
        ExtractiveBundle.save(directory, this);
    }

    /** Loads a bundle saved by {@link #save}. */
    public static ExtractiveSummarizer load(Path directory) throws IOException {
        return ExtractiveBundle.load(directory);
    }

    @Override
    public void close() {
        manager.close();
    }

    // ---------------------------------------------------------------------------------------------
    // training

    /** One document ready for training: the sentences read, their ids and oracle labels, the reference. */
    private record Prepared(List<String> sentences, List<int[]> ids, float[] labels, List<String> reference,
            boolean truncated) {}

    /**
     * Trains a model: builds the vocabulary from the training documents, labels every document with
     * the greedy oracle, trains with Adam and keeps the parameters of the best dev epoch (dev ROUGE or
     * dev loss, as the config says).
     *
     * <p>Training examples with an empty document or an empty summary teach nothing and are skipped
     * (counted in the report); dev examples likewise.
     *
     * @throws IllegalArgumentException if either set has no usable example
     */
    public static ExtractiveSummarizer train(ExtractiveConfig config, List<SummaryExample> train,
            List<SummaryExample> dev, TrainingOptions options) throws IOException {
        long started = System.nanoTime();
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        DocumentText text = new DocumentText(config.lowercase());
        Oracle oracle = Oracle.of(config.oracleSentences());
        DocumentLimits limits = config.documentLimits().overflow() == DocumentLimits.Overflow.REFUSE
                ? new DocumentLimits(config.maxSentences(), config.maxWordsPerSentence(), DocumentLimits.Overflow.TRUNCATE)
                : config.documentLimits(); // training reads long documents in part even when serving refuses them

        List<DocumentText.Prepared> trainText = new ArrayList<>();
        List<List<String>> trainReferences = new ArrayList<>();
        int skippedTrain = usable(train, text, trainText, trainReferences, "training");
        VocabularyBuilder vb = Vocabulary.builder().optMinCount(config.minCount()).optMaxSize(config.maxVocabulary());
        for (DocumentText.Prepared p : trainText) {
            vb.addAll(p.tokens().subList(0, Math.min(p.tokens().size(), config.maxSentences())));
        }
        Vocabulary vocabulary = vb.build();
        List<Prepared> trainDocs = label(trainText, trainReferences, vocabulary, limits, oracle);

        List<DocumentText.Prepared> devText = new ArrayList<>();
        List<List<String>> devReferences = new ArrayList<>();
        int skippedDev = usable(dev, text, devText, devReferences, "dev");
        List<Prepared> devDocs = label(devText, devReferences, vocabulary, limits, oracle);
        double preparationSeconds = (System.nanoTime() - started) / 1e9;

        NDManager manager = Engines.newManager();
        try {
            SummaRunnerBlock network = network(config, vocabulary.size());
            Engines.engine().setRandomSeed((int) config.seed());
            network.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
            network.initialize(manager, DataType.FLOAT32, network.initializationShapes());

            List<List<int[]>> trainIds = trainDocs.stream().map(Prepared::ids).toList();
            List<float[]> trainLabels = trainDocs.stream().map(Prepared::labels).toList();
            HierarchicalBatcher batcher = HierarchicalBatcher.builder().setBatchSize(config.batchSize())
                    .optShuffle(true).optSeed(config.seed()).optBucketWindow(config.batchSize() * 20).build();
            int perEpoch = batcher.batches(trainIds, 0).size();
            BatchSource<ExtractiveBatch> source = new BatchSource<>() {
                @Override
                public Iterator<ExtractiveBatch> epoch(int epoch) {
                    return batcher.batches(trainIds, epoch).stream()
                            .map(b -> ExtractiveBatch.of(b, trainLabels)).iterator();
                }

                @Override
                public int batchesPerEpoch() {
                    return perEpoch;
                }
            };
            List<List<int[]>> devIds = devDocs.stream().map(Prepared::ids).toList();
            List<float[]> devLabels = devDocs.stream().map(Prepared::labels).toList();
            List<ExtractiveBatch> devBatches = HierarchicalBatcher.builder().setBatchSize(PREDICT_BATCH).build()
                    .batches(devIds, 0).stream().map(b -> ExtractiveBatch.of(b, devLabels)).toList();
            RougeDevEvaluator evaluator = new RougeDevEvaluator(network, devBatches,
                    devDocs.stream().map(Prepared::sentences).toList(), devDocs.stream().map(Prepared::reference).toList(),
                    config.summarySentences());
            boolean byRouge = config.earlyStopping() == ExtractiveConfig.DevMetric.ROUGE;
            ToolkitTrainer.Builder<ExtractiveBatch> tb = ToolkitTrainer.<ExtractiveBatch>builder()
                    .setTask(new ExtractionTask(network))
                    .setTrainingData(source)
                    .setOptimizer(AdamOptimizer.builder().build())
                    .setSchedule(LearningRateSchedule.fixed(config.learningRate()))
                    .setEpochs(config.epochs())
                    .optClipping(config.clipNorm() > 0 ? GradientClipping.byGlobalNorm(config.clipNorm())
                            : GradientClipping.none())
                    .optDevEvaluator(evaluator)
                    .optEarlyStopping(EarlyStopping.builder().setMetric(byRouge ? "rouge" : "loss")
                            .optMode(byRouge ? MetricMode.MAX : MetricMode.MIN).optPatience(config.patience()).build())
                    .optProgressBar(options.progressBar())
                    .optSeed(config.seed());
            if (options.runDirectory() != null) {
                tb.optRunDirectory(options.runDirectory());
            }
            ToolkitTrainer<?> trainer = tb.build();
            TrainingResult result = options.resume() ? trainer.resume(options.runDirectory()) : trainer.fit();
            double oracleSentences = 0;
            int truncated = 0;
            for (Prepared p : trainDocs) {
                for (float y : p.labels()) {
                    oracleSentences += y;
                }
                truncated += p.truncated() ? 1 : 0;
            }
            ExtractiveTrainingReport report = new ExtractiveTrainingReport(result, trainDocs.size(), devDocs.size(),
                    skippedTrain, skippedDev, vocabulary.size(), truncated, oracleSentences / trainDocs.size(),
                    preparationSeconds, (System.nanoTime() - started) / 1e9);
            return new ExtractiveSummarizer(config, text, vocabulary, network, manager, report);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The network a config describes, for a vocabulary of {@code vocabularySize} ids. */
    static SummaRunnerBlock network(ExtractiveConfig c, int vocabularySize) {
        return SummaRunnerBlock.builder().setVocabularySize(vocabularySize).setEmbeddingSize(c.embeddingSize())
                .setCellType(c.cell()).setWordHiddenSize(c.hiddenSize()).optWordAttentionSize(c.attentionSize())
                .setSentenceHiddenSize(c.sentenceHiddenSize()).setPositions(c.maxSentences())
                .optSegments(c.relativeSegments()).optPositionSize(c.positionSize()).optDropout(c.dropout()).build();
    }

    /** Splits the usable examples into {@code prepared} and {@code references}; returns how many were skipped. */
    private static int usable(List<SummaryExample> examples, DocumentText text, List<DocumentText.Prepared> prepared,
            List<List<String>> references, String what) {
        int skipped = 0;
        for (SummaryExample e : examples) {
            DocumentText.Prepared p = text.prepare(e.document());
            List<String> reference = text.referenceSentences(e.summary());
            if (p.isEmpty() || reference.isEmpty()) {
                skipped++;
                continue;
            }
            prepared.add(p);
            references.add(reference);
        }
        if (prepared.isEmpty()) {
            throw new IllegalArgumentException("no usable " + what + " example: all " + examples.size()
                    + " have an empty document or an empty summary");
        }
        return skipped;
    }

    private static List<Prepared> label(List<DocumentText.Prepared> texts, List<List<String>> references,
            Vocabulary vocabulary, DocumentLimits limits, Oracle oracle) {
        List<Prepared> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            DocumentText.Prepared p = texts.get(i);
            EncodedDocument e = EncodedDocument.of(p.tokens(), vocabulary, limits);
            List<String> read = p.sentences().subList(0, e.sentenceCount());
            out.add(new Prepared(read, e.ids(), oracle.labels(read, references.get(i)), references.get(i),
                    e.truncated()));
        }
        return out;
    }
}
