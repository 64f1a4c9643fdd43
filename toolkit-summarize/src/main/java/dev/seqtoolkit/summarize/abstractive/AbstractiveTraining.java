package dev.seqtoolkit.summarize.abstractive;

import ai.djl.ndarray.NDManager;
import dev.seqtoolkit.core.data.Batch;
import dev.seqtoolkit.core.data.Batcher;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import dev.seqtoolkit.core.seq2seq.Seq2SeqModel;
import dev.seqtoolkit.core.seq2seq.Seq2SeqTask;
import dev.seqtoolkit.core.text.CoreNlpTokenizer;
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
import dev.seqtoolkit.summarize.TrainingOptions;
import dev.seqtoolkit.core.train.TrainingResult;
import dev.seqtoolkit.summarize.SummaryExample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Trains an {@link AbstractiveSummarizer}: tokenizes the examples once, learns the shared vocabulary
 * from the training documents and summaries (as cut), builds the {@link Seq2SeqModel} and fits it with
 * the {@link ToolkitTrainer} (Adam, global-norm clipping, progress bar, checkpoints, metrics and
 * loss plot in the run directory), evaluating the dev loss after every epoch and stopping early on it.
 */
final class AbstractiveTraining {
    private AbstractiveTraining() {}

    /** One example's tokens, cut. */
    private record Tokenized(List<String> document, List<String> summary) {}

    /** Counts of what preparing a set of examples left out or cut. */
    private static final class Counts {
        int empty;
        int truncatedDocuments;
        int truncatedSummaries;
    }

    static AbstractiveSummarizer train(AbstractiveConfig config, List<SummaryExample> train,
            List<SummaryExample> dev, TrainingOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        Path runDirectory = options.runDirectory();
        boolean progressBar = options.progressBar();
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(dev, "dev");
        long started = System.nanoTime();
        AbstractiveConfig.Text t = config.text();
        CoreNlpTokenizer tokenizer = AbstractiveText.tokenizer(t);
        Counts trainCounts = new Counts();
        List<Tokenized> trainTokens = tokenize(tokenizer, t, train, "training", trainCounts);
        if (trainTokens.isEmpty()) {
            throw new IllegalArgumentException("no training example is usable: " + train.size() + " given, "
                    + trainCounts.empty + " with an empty document or summary");
        }
        List<Tokenized> devTokens = tokenize(tokenizer, t, dev, "dev", new Counts());
        VocabularyBuilder counts = Vocabulary.builder().optMaxSize(t.vocabMaxSize()).optMinCount(t.vocabMinCount());
        for (Tokenized x : trainTokens) {
            counts.add(x.document()).add(x.summary());
        }
        Vocabulary vocabulary = counts.build();
        if (config.model().utteranceHiddenSize() > 0 && !vocabulary.contains(AbstractiveText.TURN)) {
            throw new IllegalArgumentException("model.utteranceHiddenSize needs documents of several lines, but no"
                    + " training document has a turn token " + AbstractiveText.TURN + " in the vocabulary");
        }
        Seq2SeqConfig modelConfig = config.model().seq2seqConfig(vocabulary.size(),
                vocabulary.index(AbstractiveText.TURN));
        AbstractiveText text = new AbstractiveText(t, tokenizer, vocabulary, modelConfig.copy());
        List<Batcher.Example> trainExamples = examples(text, trainTokens);
        List<Batcher.Example> devExamples = examples(text, devTokens);
        AbstractiveConfig.Training training = config.training();
        Batcher trainBatcher = batcher(training, t, true);
        Batcher devBatcher = batcher(training, t, false);
        int batchesPerEpoch = trainBatcher.batches(trainExamples, 0).batches().size();
        NDManager manager = Engines.newManager();
        try {
            Engines.engine().setRandomSeed((int) training.seed());
            Seq2SeqModel model = Seq2SeqModel.create(modelConfig, manager);
            Seq2SeqTask task = new Seq2SeqTask(model, training.batchSize(), 8, 8);
            BatchSource<Batch> trainData = new BatchSource<>() {
                @Override
                public Iterator<Batch> epoch(int epoch) {
                    return trainBatcher.batches(trainExamples, epoch).batches().iterator();
                }

                @Override
                public int batchesPerEpoch() {
                    return batchesPerEpoch;
                }
            };
            ToolkitTrainer.Builder<Batch> builder = ToolkitTrainer.<Batch>builder()
                    .setTask(task)
                    .setTrainingData(trainData)
                    .setOptimizer(AdamOptimizer.builder().build())
                    .setSchedule(LearningRateSchedule.fixed(training.learningRate()))
                    .setEpochs(training.epochs())
                    .optClipping(training.clipNorm() > 0 ? GradientClipping.byGlobalNorm(training.clipNorm())
                            : GradientClipping.none())
                    .optSeed(training.seed())
                    .optProgressBar(progressBar);
            if (!devExamples.isEmpty()) {
                BatchSource<Batch> devData = epoch -> devBatcher.batches(devExamples, 0).batches().iterator();
                builder.optDevEvaluator(new LossEvaluator<>(task, devData));
                if (training.patience() > 0) {
                    builder.optEarlyStopping(EarlyStopping.builder().setMetric("loss").optMode(MetricMode.MIN)
                            .optPatience(training.patience()).build());
                }
            }
            if (runDirectory != null) {
                builder.optRunDirectory(runDirectory);
            }
            ToolkitTrainer<?> trainer = builder.build();
            TrainingResult result = options.resume() ? trainer.resume(runDirectory) : trainer.fit();
            AbstractiveSummarizer.TrainingReport report = new AbstractiveSummarizer.TrainingReport(result,
                    trainExamples.size(), devExamples.size(), trainCounts.empty, trainCounts.truncatedDocuments,
                    trainCounts.truncatedSummaries, vocabulary.size(), (System.nanoTime() - started) / 1e9);
            return new AbstractiveSummarizer(config, text, model, manager, report);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static List<Tokenized> tokenize(CoreNlpTokenizer tokenizer, AbstractiveConfig.Text t,
            List<SummaryExample> examples, String what, Counts counts) {
        List<Tokenized> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            SummaryExample e = Objects.requireNonNull(examples.get(i), what + " example " + i);
            AbstractiveText.Tokens document = AbstractiveText.document(tokenizer, t, e.document());
            AbstractiveText.Tokens summary = AbstractiveText.summary(tokenizer, t, e.summary());
            if (document.tokens().isEmpty() || summary.tokens().isEmpty()) {
                counts.empty++;
                continue;
            }
            counts.truncatedDocuments += document.truncated() ? 1 : 0;
            counts.truncatedSummaries += summary.truncated() ? 1 : 0;
            out.add(new Tokenized(document.tokens(), summary.tokens()));
        }
        return out;
    }

    private static List<Batcher.Example> examples(AbstractiveText text, List<Tokenized> tokens) {
        List<Batcher.Example> out = new ArrayList<>(tokens.size());
        for (Tokenized x : tokens) {
            AbstractiveText.Source source = text.source(x.document());
            out.add(Batcher.Example.pair(source.ids(), text.target(source, x.summary())));
        }
        return out;
    }

    private static Batcher batcher(AbstractiveConfig.Training training, AbstractiveConfig.Text t, boolean shuffle) {
        // every example is already cut to its limits: nothing is dropped here
        return Batcher.builder().optBatchSize(training.batchSize()).optShuffle(shuffle).optSeed(training.seed())
                .optMaxLength(Math.max(t.maxSourceTokens(), t.maxTargetTokens()), Batcher.Overlong.DROP).build();
    }
}
