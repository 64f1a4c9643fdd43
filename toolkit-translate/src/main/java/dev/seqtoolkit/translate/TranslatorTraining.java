package dev.seqtoolkit.translate;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import dev.seqtoolkit.core.data.Batch;
import dev.seqtoolkit.core.data.Batcher;
import dev.seqtoolkit.core.decode.GreedySearch;
import dev.seqtoolkit.core.decode.Hypothesis;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.metrics.Bleu;
import dev.seqtoolkit.core.seq2seq.DjlStepModel;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import dev.seqtoolkit.core.seq2seq.Seq2SeqModel;
import dev.seqtoolkit.core.seq2seq.Seq2SeqTask;
import dev.seqtoolkit.core.text.TextFiles;
import dev.seqtoolkit.core.train.AdamOptimizer;
import dev.seqtoolkit.core.train.BatchSource;
import dev.seqtoolkit.core.train.CheckpointableOptimizer;
import dev.seqtoolkit.core.train.EarlyStopping;
import dev.seqtoolkit.core.train.GradientClipping;
import dev.seqtoolkit.core.train.LearningRateSchedule;
import dev.seqtoolkit.core.train.LossEvaluator;
import dev.seqtoolkit.core.train.MetricMode;
import dev.seqtoolkit.core.train.SgdOptimizer;
import dev.seqtoolkit.core.train.ToolkitTrainer;
import dev.seqtoolkit.core.train.TrainingResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a translator: reads the parallel files strictly, learns BPE and vocabularies, builds a
 * {@link Seq2SeqModel}, and fits it with the {@link ToolkitTrainer} (progress bar with ETA,
 * checkpoints, metrics and loss plot in the run directory), evaluating dev loss and greedy dev
 * BLEU after every epoch and stopping early on the configured metric.
 */
final class TranslatorTraining {
    private TranslatorTraining() {}

    /** What training produced besides the translator. */
    record Report(TrainingResult training, int trainPairs, int droppedTooLong, int droppedEmpty, double seconds) {}

    static Translator train(TranslatorConfig config, Path trainSource, Path trainTarget, Path devSource,
            Path devTarget, Path runDirectory, boolean progressBar, boolean resume) throws IOException {
        if (resume && runDirectory == null) {
            throw new IllegalArgumentException("resuming needs the run directory of the interrupted run");
        }
        long started = System.nanoTime();
        TextFiles.Parallel train = TextFiles.readParallel(trainSource, trainTarget);
        TextFiles.Parallel dev = TextFiles.readParallel(devSource, devTarget);
        if (train.size() == 0) {
            throw new IOException("training files " + trainSource + " and " + trainTarget + " are empty");
        }
        if (dev.size() == 0) {
            throw new IOException("dev files " + devSource + " and " + devTarget + " are empty");
        }
        TranslatorConfig.Training t = config.training();
        TranslationPipeline pipeline = TranslationPipeline.learn(train.source(), train.target(), config.pipeline());
        List<Batcher.Example> trainExamples = examples(pipeline, train);
        int devCount = t.devSentences() == 0 ? dev.size() : Math.min(t.devSentences(), dev.size());
        TextFiles.Parallel devPart = new TextFiles.Parallel(dev.source().subList(0, devCount),
                dev.target().subList(0, devCount));
        List<Batcher.Example> devExamples = examples(pipeline, devPart);
        Seq2SeqConfig modelConfig = config.modelConfig(pipeline.sourceVocabulary().size(),
                pipeline.targetVocabulary().size());
        Batcher trainBatcher = batcher(t, true);
        Batcher devBatcher = batcher(t, false);
        Batcher.Plan first = trainBatcher.batches(trainExamples, 0);
        if (first.batches().isEmpty()) {
            throw new IOException("no training pair of " + trainSource + " and " + trainTarget
                    + " is usable: " + first.droppedEmpty() + " have an empty side and " + first.droppedTooLong()
                    + " are longer than training.maxLength = " + t.maxLength() + " subwords");
        }
        NDManager manager = Engines.newManager();
        try {
            Engines.engine().setRandomSeed((int) t.seed());
            Seq2SeqModel model = new Seq2SeqModel(modelConfig);
            model.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 4), new Shape(2), new Shape(2, 3));
            Seq2SeqTask task = new Seq2SeqTask(model, t.batchSize(), 8, 8);
            BatchSource<Batch> trainSource2 = new BatchSource<>() {
                @Override
                public Iterator<Batch> epoch(int epoch) {
                    return trainBatcher.batches(trainExamples, epoch).batches().iterator();
                }

                @Override
                public int batchesPerEpoch() {
                    return first.batches().size();
                }
            };
            BatchSource<Batch> devSource2 = epoch -> devBatcher.batches(devExamples, 0).batches().iterator();
            LossEvaluator<Batch> devLoss = new LossEvaluator<>(task, devSource2);
            ToolkitTrainer.Builder<Batch> builder = ToolkitTrainer.<Batch>builder()
                    .setTask(task)
                    .setTrainingData(trainSource2)
                    .setOptimizer(optimizer(t))
                    .setSchedule(schedule(t))
                    .setEpochs(t.epochs())
                    .optClipping(t.clipNorm() > 0 ? GradientClipping.byGlobalNorm(t.clipNorm()) : GradientClipping.none())
                    .optSeed(t.seed())
                    .optProgressBar(progressBar)
                    .optDevEvaluator((evalManager, ps) -> {
                        Map<String, Double> metrics = new LinkedHashMap<>(devLoss.evaluate(evalManager, ps));
                        metrics.put("bleu", devBleu(model, evalManager, pipeline, devPart, config.decoding()));
                        return metrics;
                    });
            if (t.patience() > 0) {
                builder.optEarlyStopping(EarlyStopping.builder().setMetric(t.earlyStopping().metricName())
                        .optMode(mode(t.earlyStopping())).optPatience(t.patience()).build());
            }
            if (runDirectory != null) {
                builder.optRunDirectory(runDirectory);
            }
            ToolkitTrainer<Batch> trainer = builder.build();
            TrainingResult result = resume ? trainer.resume(runDirectory) : trainer.fit();
            Report report = new Report(result, trainExamples.size(), first.droppedTooLong(), first.droppedEmpty(),
                    (System.nanoTime() - started) / 1e9);
            return TranslatorBundle.translator(config, pipeline, model, manager, report);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static List<Batcher.Example> examples(TranslationPipeline pipeline, TextFiles.Parallel data) {
        List<Batcher.Example> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            // no length check here: the batcher drops pairs over training.maxLength
            int[] source = pipeline.sourceVocabulary().encode(pipeline.sourceSubwords(data.source().get(i)));
            out.add(Batcher.Example.pair(source, pipeline.encodeTarget(data.target().get(i))));
        }
        return out;
    }

    private static Batcher batcher(TranslatorConfig.Training t, boolean shuffle) {
        Batcher.Builder b = Batcher.builder().optBatchSize(t.batchSize()).optShuffle(shuffle).optSeed(t.seed())
                .optMaxLength(t.maxLength(), Batcher.Overlong.DROP);
        if (t.maxTokens() > 0) {
            b.optMaxTokens(t.maxTokens());
        }
        return b.build();
    }

    private static CheckpointableOptimizer optimizer(TranslatorConfig.Training t) {
        return t.optimizer() == TranslatorConfig.OptimizerKind.SGD ? SgdOptimizer.builder().build()
                : AdamOptimizer.builder().build();
    }

    private static LearningRateSchedule schedule(TranslatorConfig.Training t) {
        if (t.schedule() == TranslatorConfig.ScheduleKind.PLATEAU) {
            return LearningRateSchedule.reduceOnPlateau(t.learningRate(), t.earlyStopping().metricName(),
                    mode(t.earlyStopping()), 0, 0.5f, t.learningRate() / 64);
        }
        return LearningRateSchedule.fixed(t.learningRate());
    }

    private static MetricMode mode(TranslatorConfig.StopMetric metric) {
        return metric == TranslatorConfig.StopMetric.BLEU ? MetricMode.MAX : MetricMode.MIN;
    }

    /** Corpus BLEU of greedy translations of the dev set with the current weights. */
    private static double devBleu(Seq2SeqModel model, NDManager manager, TranslationPipeline pipeline,
            TextFiles.Parallel dev, TranslatorConfig.Decoding decoding) {
        GreedySearch greedy = (GreedySearch) Translator.strategy(decoding.withBeamSize(1), 1);
        List<String> hypotheses = new ArrayList<>(dev.size());
        List<List<String>> references = new ArrayList<>(dev.size());
        try (DjlStepModel step = DjlStepModel.of(model, manager)) {
            int batch = decoding.batchSize();
            for (int from = 0; from < dev.size(); from += batch) {
                List<TranslationPipeline.EncodedSource> sources = new ArrayList<>();
                List<int[]> ids = new ArrayList<>();
                for (int i = from; i < Math.min(dev.size(), from + batch); i++) {
                    List<String> subwords = pipeline.sourceSubwords(dev.source().get(i));
                    TranslationPipeline.EncodedSource s = new TranslationPipeline.EncodedSource(List.of(),
                            subwords, new int[subwords.size()], pipeline.sourceVocabulary().encode(subwords));
                    sources.add(s);
                    ids.add(s.ids());
                }
                List<int[]> nonEmpty = new ArrayList<>();
                for (int[] x : ids) {
                    if (x.length > 0) {
                        nonEmpty.add(x);
                    }
                }
                List<List<Hypothesis>> decoded = nonEmpty.isEmpty() ? List.of() : greedy.decode(step, nonEmpty);
                int k = 0;
                for (int[] x : ids) {
                    hypotheses.add(x.length == 0 ? "" : pipeline.decodeTarget(decoded.get(k++).get(0).tokens()));
                }
            }
        }
        for (String reference : dev.target()) {
            references.add(List.of(reference));
        }
        return Bleu.builder().build().corpusScore(hypotheses, references).score();
    }
}
