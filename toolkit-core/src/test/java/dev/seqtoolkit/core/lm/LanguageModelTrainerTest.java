package dev.seqtoolkit.core.lm;

import dev.seqtoolkit.core.data.LanguageModelBatches;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.train.GradientClipping;
import dev.seqtoolkit.core.train.NonFiniteLossException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class LanguageModelTrainerTest {
    private static final String TEXT = "the time traveller smiled and the time machine moved. ".repeat(12);

    private static LanguageModelTrainer.Builder tiny() {
        return LanguageModelTrainer.builder()
                .optTokenizer(TextLanguageModel.TokenizerKind.LETTERS_AND_SPACE)
                .optHiddenSize(24)
                .optBatchSize(4)
                .optNumSteps(9)
                .optEvaluationBatchSize(2)
                .optEpochs(25)
                .optOptimizer(LanguageModelTrainer.OptimizerKind.ADAM)
                .optLearningRate(0.02f)
                .optProgressBar(false)
                .optSeed(7);
    }

    @Test
    void learnsARepetitiveTextAndGeneratesIt() throws IOException {
        LanguageModelTrainer.Report report = tiny().build().train(TEXT);
        try (TextLanguageModel lm = report.model()) {
            assertTrue(report.trainPerplexity() < 1.6, "train perplexity " + report.trainPerplexity());
            assertTrue(report.heldOutPerplexity() < 1.6, "held-out perplexity " + report.heldOutPerplexity());
            String continuation = lm.generate("the time trav", 20, Sampler.greedy());
            assertTrue(continuation.startsWith("the time traveller"), continuation);
        }
    }

    @Test
    void maxStepsStopsPartWayThroughTheFirstEpochAndStillReturnsAModel() throws IOException {
        LanguageModelTrainer.Report report = tiny().optMaxSteps(3).build().train(TEXT);
        try (TextLanguageModel lm = report.model()) {
            assertEquals(3, report.training().globalSteps());
            assertEquals(0, report.training().epochsCompleted());
            assertTrue(Double.isFinite(report.heldOutPerplexity()));
        }
        assertThrows(IllegalArgumentException.class, () -> tiny().optMaxSteps(-1).build());
    }

    @Test
    void resumingARunThatAlreadyReachedMaxStepsReportsItsSavedTrainPerplexity(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        LanguageModelTrainer.Report first = tiny().optMaxSteps(3).optRunDirectory(run).optCheckpointEverySteps(3)
                .build().train(TEXT);
        first.model().close();
        LanguageModelTrainer.Report again = tiny().optMaxSteps(3).optRunDirectory(run).optCheckpointEverySteps(3)
                .optResume(true).build().train(TEXT);
        try (TextLanguageModel lm = again.model()) {
            assertEquals(3, again.training().globalSteps());
            assertTrue(Double.isFinite(first.trainPerplexity()), "first run " + first.trainPerplexity());
            assertEquals(first.trainPerplexity(), again.trainPerplexity(), 1e-9, "no step ran; the saved loss is reported");
            assertEquals(first.heldOutPerplexity(), again.heldOutPerplexity(), 1e-4);
        }
    }

    @Test
    void saveThenLoadGivesIdenticalPerplexityAndText(@TempDir Path dir) throws IOException {
        LanguageModelTrainer.Report report = tiny().optEpochs(3).optCell(CellType.GRU).build().train(TEXT);
        try (TextLanguageModel lm = report.model()) {
            lm.save(dir.resolve("bundle"), Provenance.builder().setConfig(lm.configJson()).addDataString(TEXT).build());
            int[] ids = lm.encode(TEXT.substring(0, 300), null);
            try (TextLanguageModel loaded = TextLanguageModel.load(dir.resolve("bundle"))) {
                // same parameters; the engine's threaded reductions may differ in the last bits
                assertEquals(lm.perplexity(ids, 2, 9), loaded.perplexity(ids, 2, 9), 1e-7);
                assertEquals(lm.generate("the", 30, Sampler.sampling(0.9, 5, 11)),
                        loaded.generate("the", 30, Sampler.sampling(0.9, 5, 11)));
                assertEquals(lm.vocabulary(), loaded.vocabulary());
            }
        }
    }

    @Test
    void timeGatedVariantTrainsOnExplicitCells() throws IOException {
        LanguageModelTrainer.Report report = tiny().optTimeGate(true).optEpochs(20).optMode(LanguageModelBatches.Mode.RANDOM)
                .build().train(TEXT);
        try (TextLanguageModel lm = report.model()) {
            assertTrue(lm.model().config().isVariant());
            assertTrue(report.trainPerplexity() < 4.0, "train perplexity " + report.trainPerplexity());
        }
    }

    @Test
    void wordModelHoldsOutASeparateValidationText() throws IOException {
        String train = "the cat sat on the mat\nthe dog sat on the log\n".repeat(15);
        String valid = "the cat sat on the log\nthe bird sat\n";
        LanguageModelTrainer.Report report = tiny().optTokenizer(TextLanguageModel.TokenizerKind.WORDS)
                .optEmbeddingSize(8).optNumSteps(5).optEpochs(2).build().train(train, valid);
        try (TextLanguageModel lm = report.model()) {
            assertEquals(15 * 14, report.trainTokens(), "every training token is trained on, <eos> per line");
            assertEquals(11, report.heldOutTokens(), "the validation text's words plus one <eos> per line");
            assertEquals(1, report.unknownTokens(), "'bird' is not in the training text");
            assertTrue(Double.isFinite(report.heldOutPerplexity()));
        }
    }

    @Test
    void emptyTextIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tiny().build().train("  \n "));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny().build().train("1234 ... !!"));
        assertTrue(e.getMessage().contains("no tokens"), e.getMessage());
    }

    @Test
    void textShorterThanOneBatchNamesTheSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tiny().optHeldOutFraction(0).build().train("a short text"));
        assertTrue(e.getMessage().contains("batch 4") && e.getMessage().contains("9 steps"), e.getMessage());
    }

    @Test
    void zeroOrNegativeSizesAndRatesNameTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tiny().optBatchSize(0).build())
                .getMessage().contains("batchSize"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tiny().optNumSteps(-3).build())
                .getMessage().contains("-3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tiny().optHiddenSize(0).build())
                .getMessage().contains("hiddenSize"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tiny().optLearningRate(-0.1f).build())
                .getMessage().contains("learningRate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tiny().optLearningRate(Float.NaN).build())
                .getMessage().contains("NaN"));
    }

    @Test
    void charactersOutsideTheVocabularyBecomeUnknownAndAreCounted() throws IOException {
        // the held-out tail holds digits that never occur in the training part
        String text = "abcabcabcabc ".repeat(30) + "9 8 7 6";
        LanguageModelTrainer.Report report = tiny().optTokenizer(TextLanguageModel.TokenizerKind.CHARACTERS)
                .optEpochs(1).optHeldOutFraction(0.05).build().train(text);
        try (TextLanguageModel lm = report.model()) {
            assertEquals(4, report.unknownTokens(), "the four digits are unknown");
            assertFalse(lm.vocabulary().contains("9"));
        }
    }

    @Test
    void nonFiniteLossStopsTrainingAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) {
        Path run = dir.resolve("run");
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> tiny()
                .optOptimizer(LanguageModelTrainer.OptimizerKind.SGD)
                .optLearningRate(Float.MAX_VALUE)
                .optEpochs(2)
                .optClipping(GradientClipping.none())
                .optRunDirectory(run)
                .optCheckpointEverySteps(1)
                .build().train(TEXT));
        assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
        assertNotNull(e.lastCheckpoint(), "a checkpoint was written before the failure");
        assertTrue(Files.isDirectory(e.lastCheckpoint()), e.lastCheckpoint().toString());
        assertTrue(e.step() > 1, "the first steps were finite");
    }
}
