package dev.seqtoolkit.core.lm;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.data.LanguageModelBatches;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.GateActivation;
import dev.seqtoolkit.core.text.EncodeStats;
import dev.seqtoolkit.core.text.TextFiles;
import dev.seqtoolkit.core.text.Vocabulary;
import dev.seqtoolkit.core.text.VocabularyBuilder;
import dev.seqtoolkit.core.train.AdamOptimizer;
import dev.seqtoolkit.core.train.BatchSource;
import dev.seqtoolkit.core.train.CheckpointableOptimizer;
import dev.seqtoolkit.core.train.GradientClipping;
import dev.seqtoolkit.core.train.LearningRateSchedule;
import dev.seqtoolkit.core.train.SgdOptimizer;
import dev.seqtoolkit.core.train.ToolkitTrainer;
import dev.seqtoolkit.core.train.TrainingResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Trains a {@link TextLanguageModel} on one text file, the textbook's experiment: the last part of
 * the text is held out, a vocabulary is built from the rest, windows are cut sequentially (state
 * carried) or at random, and the model is trained with clipping; the result reports training and
 * held-out perplexity.
 */
public final class LanguageModelTrainer {
    /** The optimizers on offer. */
    public enum OptimizerKind { SGD, ADAM }

    private final Builder b;

    private LanguageModelTrainer(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What a training run produced. */
    public record Report(
            TextLanguageModel model,
            TrainingResult training,
            double trainPerplexity,
            double heldOutPerplexity,
            int trainTokens,
            int heldOutTokens,
            long unknownTokens,
            double seconds) {}

    /** Reads the text (and the validation text, if any), trains, and measures held-out perplexity. */
    public Report train() throws IOException {
        String text = TextFiles.readString(b.textFile);
        return b.validationFile == null ? train(text) : train(text, TextFiles.readString(b.validationFile));
    }

    /** As {@link #train()} on text already in memory; the held-out part is the text's tail. */
    public Report train(String text) throws IOException {
        return train(text, null);
    }

    /**
     * As {@link #train()} on text in memory. With a validation text the whole training text is
     * trained on and perplexity is held out on the validation text (e.g. PTB's valid split).
     */
    public Report train(String text, String validationText) throws IOException {
        if (text.isBlank()) {
            throw new IllegalArgumentException("The training text " + source() + " is empty");
        }
        long started = System.nanoTime();
        TextLanguageModel.TokenizerKind kind = b.tokenizer;
        // tokens first with a throwaway vocabulary-free pass, so the held-out tail is cut in tokens
        List<String> tokens = kind.tokenizer().tokenize(text);
        if (kind == TextLanguageModel.TokenizerKind.WORDS) {
            tokens = wordTokens(text);
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("The training text " + source() + " has no tokens after preprocessing");
        }
        int heldOut = validationText == null ? (int) Math.floor(tokens.size() * b.heldOutFraction) : 0;
        List<String> trainPart = tokens.subList(0, tokens.size() - heldOut);
        VocabularyBuilder vb = Vocabulary.builder().optMinCount(b.minCount);
        if (b.maxVocabulary > 0) {
            vb.optMaxSize(b.maxVocabulary);
        }
        Vocabulary vocabulary = vb.add(trainPart).build();
        EncodeStats stats = new EncodeStats();
        int[] ids = vocabulary.encode(tokens, stats);
        int[] trainIds = Arrays.copyOfRange(ids, 0, ids.length - heldOut);
        int[] heldOutIds = validationText == null
                ? Arrays.copyOfRange(ids, ids.length - heldOut, ids.length)
                : vocabulary.encode(kind == TextLanguageModel.TokenizerKind.WORDS
                        ? wordTokens(validationText) : kind.tokenizer().tokenize(validationText), stats);
        if (validationText != null) {
            heldOut = heldOutIds.length;
        }
        long minimum = LanguageModelBatches.minimumLength(b.batchSize, b.numSteps);
        if (trainIds.length < minimum) {
            throw new IllegalArgumentException("The training part of " + source() + " has " + trainIds.length
                    + " tokens, fewer than one batch needs (" + minimum + " for batch " + b.batchSize
                    + " x " + b.numSteps + " steps)");
        }
        LanguageModelConfig config = new LanguageModelConfig(vocabulary.size(), b.embeddingSize, b.cell, b.hiddenSize,
                b.numLayers, b.dropout, b.gateActivation, b.candidateActivation, b.cellActivation, b.timeGate);
        TextLanguageModel lm = TextLanguageModel.create(kind, vocabulary, config);
        try {
            LanguageModelBatches batches = LanguageModelBatches.builder()
                    .setCorpus(trainIds)
                    .setBatchSize(b.batchSize)
                    .setNumSteps(b.numSteps)
                    .optMode(b.mode)
                    .optSeed(b.seed)
                    .build();
            BatchSource<LanguageModelBatches.Window> source = new BatchSource<>() {
                @Override
                public Iterator<LanguageModelBatches.Window> epoch(int epoch) {
                    return batches.epoch(epoch).iterator();
                }

                @Override
                public int batchesPerEpoch() {
                    return batches.epoch(0).size();
                }
            };
            TrainingResult result;
            try (LanguageModelTask task = new LanguageModelTask(lm.model(), b.mode == LanguageModelBatches.Mode.SEQUENTIAL,
                    b.batchSize, b.numSteps, lm.manager())) {
                ToolkitTrainer.Builder<LanguageModelBatches.Window> tb = ToolkitTrainer.<LanguageModelBatches.Window>builder()
                        .setTask(task)
                        .setTrainingData(source)
                        .setOptimizer(optimizer())
                        .setSchedule(b.schedule != null ? b.schedule : LearningRateSchedule.fixed(b.learningRate))
                        .setEpochs(b.epochs)
                        .optMaxSteps(b.maxSteps)
                        .optClipping(b.clipping)
                        .optProgressBar(b.progressBar)
                        .optSeed(b.seed);
                if (heldOutIds.length > b.evaluationBatchSize && b.evaluateEveryEpoch) {
                    tb.optDevEvaluator((NDManager manager, ParameterStore ps) -> Map.of(
                            "perplexity", lm.perplexity(heldOutIds, b.evaluationBatchSize, b.numSteps)));
                }
                if (b.runDirectory != null) {
                    tb.optRunDirectory(b.runDirectory).optPlot(true);
                    if (b.checkpointEverySteps > 0) {
                        tb.optCheckpointEverySteps(b.checkpointEverySteps);
                    }
                }
                ToolkitTrainer<LanguageModelBatches.Window> trainer = tb.build();
                result = b.resume ? trainer.resume(b.runDirectory) : trainer.fit();
            }
            lm.weightsChanged();
            double heldOutPpl = heldOutIds.length > b.evaluationBatchSize
                    ? lm.perplexity(heldOutIds, b.evaluationBatchSize, b.numSteps)
                    : Double.NaN;
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Report(lm, result, Math.exp(result.finalTrainLoss()), heldOutPpl, trainIds.length,
                    heldOutIds.length, stats.unknown(), seconds);
        } catch (IOException | RuntimeException e) {
            lm.close();
            throw e;
        }
    }

    private static List<String> wordTokens(String text) {
        List<String> tokens = new java.util.ArrayList<>();
        for (String line : text.split("\r\n|\r|\n")) {
            List<String> words = TextLanguageModel.TokenizerKind.WORDS.tokenizer().tokenize(line);
            if (!words.isEmpty()) {
                tokens.addAll(words);
                tokens.add(Vocabulary.EOS);
            }
        }
        return tokens;
    }

    private CheckpointableOptimizer optimizer() {
        return b.optimizer == OptimizerKind.SGD ? SgdOptimizer.builder().build() : AdamOptimizer.builder().build();
    }

    private String source() {
        return b.textFile == null ? "(in memory)" : b.textFile.toString();
    }

    /** Settings; every size and rate is checked in {@link #build()}. */
    public static final class Builder {
        private Path textFile;
        private Path validationFile;
        private TextLanguageModel.TokenizerKind tokenizer = TextLanguageModel.TokenizerKind.LETTERS_AND_SPACE;
        private double heldOutFraction = 0.1;
        private int minCount = 1;
        private int maxVocabulary;
        private int embeddingSize;
        private CellType cell = CellType.LSTM;
        private int hiddenSize = 256;
        private int numLayers = 1;
        private float dropout;
        private GateActivation gateActivation = GateActivation.SIGMOID;
        private GateActivation candidateActivation = GateActivation.TANH;
        private GateActivation cellActivation = GateActivation.TANH;
        private boolean timeGate;
        private int batchSize = 32;
        private int numSteps = 35;
        private int evaluationBatchSize = 10;
        private int epochs = 500;
        private OptimizerKind optimizer = OptimizerKind.SGD;
        private float learningRate = 1f;
        private LearningRateSchedule schedule;
        private GradientClipping clipping = GradientClipping.byGlobalNorm(1f);
        private LanguageModelBatches.Mode mode = LanguageModelBatches.Mode.SEQUENTIAL;
        private long seed = 42;
        private Path runDirectory;
        private int checkpointEverySteps;
        private boolean progressBar = true;
        private boolean evaluateEveryEpoch = true;
        private boolean resume;
        private long maxSteps;

        private Builder() {}

        public Builder setTextFile(Path textFile) { this.textFile = textFile; return this; }
        /** A separate validation text for the held-out perplexity instead of the training text's tail. */
        public Builder optValidationFile(Path file) { this.validationFile = file; return this; }
        public Builder optTokenizer(TextLanguageModel.TokenizerKind kind) { this.tokenizer = kind; return this; }
        public Builder optHeldOutFraction(double fraction) { this.heldOutFraction = fraction; return this; }
        public Builder optMinCount(int minCount) { this.minCount = minCount; return this; }
        public Builder optMaxVocabulary(int maxVocabulary) { this.maxVocabulary = maxVocabulary; return this; }
        public Builder optEmbeddingSize(int size) { this.embeddingSize = size; return this; }
        public Builder optCell(CellType cell) { this.cell = cell; return this; }
        public Builder optHiddenSize(int size) { this.hiddenSize = size; return this; }
        public Builder optNumLayers(int layers) { this.numLayers = layers; return this; }
        public Builder optDropout(float dropout) { this.dropout = dropout; return this; }
        public Builder optGateActivation(GateActivation a) { this.gateActivation = a; return this; }
        public Builder optCandidateActivation(GateActivation a) { this.candidateActivation = a; return this; }
        public Builder optCellActivation(GateActivation a) { this.cellActivation = a; return this; }
        public Builder optTimeGate(boolean timeGate) { this.timeGate = timeGate; return this; }
        public Builder optBatchSize(int batchSize) { this.batchSize = batchSize; return this; }
        public Builder optNumSteps(int numSteps) { this.numSteps = numSteps; return this; }
        public Builder optEvaluationBatchSize(int size) { this.evaluationBatchSize = size; return this; }
        public Builder optEpochs(int epochs) { this.epochs = epochs; return this; }
        /** Stop after this many updates in all (0: train all epochs), e.g. part of one epoch of a large text. */
        public Builder optMaxSteps(long steps) { this.maxSteps = steps; return this; }
        public Builder optOptimizer(OptimizerKind kind) { this.optimizer = kind; return this; }
        public Builder optLearningRate(float rate) { this.learningRate = rate; return this; }
        public Builder optSchedule(LearningRateSchedule schedule) { this.schedule = schedule; return this; }
        public Builder optClipping(GradientClipping clipping) { this.clipping = clipping; return this; }
        public Builder optMode(LanguageModelBatches.Mode mode) { this.mode = mode; return this; }
        public Builder optSeed(long seed) { this.seed = seed; return this; }
        public Builder optRunDirectory(Path dir) { this.runDirectory = dir; return this; }
        public Builder optCheckpointEverySteps(int steps) { this.checkpointEverySteps = steps; return this; }
        public Builder optProgressBar(boolean show) { this.progressBar = show; return this; }
        public Builder optEvaluateEveryEpoch(boolean evaluate) { this.evaluateEveryEpoch = evaluate; return this; }
        /** Continue the run in the run directory from its last checkpoint. */
        public Builder optResume(boolean resume) { this.resume = resume; return this; }

        public LanguageModelTrainer build() {
            if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
                throw new IllegalArgumentException("heldOutFraction must be in [0, 1), got " + heldOutFraction);
            }
            positive("minCount", minCount);
            positive("hiddenSize", hiddenSize);
            positive("numLayers", numLayers);
            positive("batchSize", batchSize);
            positive("numSteps", numSteps);
            positive("evaluationBatchSize", evaluationBatchSize);
            positive("epochs", epochs);
            if (maxSteps < 0) {
                throw new IllegalArgumentException("maxSteps must be 0 (no limit) or positive, got " + maxSteps);
            }
            if (maxVocabulary < 0) {
                throw new IllegalArgumentException("maxVocabulary must be 0 (no limit) or positive, got " + maxVocabulary);
            }
            if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new IllegalArgumentException("learningRate must be a positive finite number, got " + learningRate);
            }
            if (resume && runDirectory == null) {
                throw new IllegalArgumentException("Resuming needs the run directory of the earlier run");
            }
            Engines.configuredName();
            return new LanguageModelTrainer(this);
        }

        private static void positive(String name, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
        }
    }
}
