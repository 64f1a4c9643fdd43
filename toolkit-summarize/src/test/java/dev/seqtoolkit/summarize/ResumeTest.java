package dev.seqtoolkit.summarize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.summarize.abstractive.AbstractiveConfig;
import dev.seqtoolkit.summarize.abstractive.DecodeOptions;
import dev.seqtoolkit.summarize.extractive.ExtractiveConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both modes: a run stopped after two epochs and resumed to three equals a three-epoch run. */
class ResumeTest {
    @TempDir Path dir;

    @Test
    void extractiveRunResumesExactly() throws IOException {
        IntFunction<SummarizerConfig> config = epochs -> Summarizer.builder().optExtractive(ExtractiveConfig.builder()
                .optEmbeddingSize(8).optHiddenSize(8).optSentenceHiddenSize(6).optPositionSize(4).optDropout(0f)
                .optMaxSentences(8).optMaxWordsPerSentence(12).optEpochs(epochs).optBatchSize(16)
                .optLearningRate(0.02f).optSummarySentences(1).optPatience(9)
                .optEarlyStopping(ExtractiveConfig.DevMetric.LOSS).build()).build();
        check(config, SyntheticNews.documents(96, 31), SyntheticNews.documents(16, 32), SyntheticNews.documents(12, 33));
    }

    @Test
    void abstractiveRunResumesExactly() throws IOException {
        IntFunction<SummarizerConfig> config = epochs -> {
            AbstractiveConfig abstractive = AbstractiveConfig.defaults()
                    .withText(new AbstractiveConfig.Text(true, true, 40, 20, 200, 2))
                    .withModel(new AbstractiveConfig.Model(8, 12, 16, 8, CellType.LSTM, true, true, 1f, 0f, 0))
                    .withTraining(new AbstractiveConfig.Training(epochs, 16, 0.01f, 1f, 9, 5))
                    .withDecoding(new DecodeOptions(1, 0, 12, 0.0, true, 8));
            return SummarizerConfig.fromJsonTree(SummarizerConfig.JSON.createObjectNode()
                    .put("mode", "ABSTRACTIVE").set("abstractive", (ObjectNode) abstractive.toJsonTree()), "test");
        };
        check(config, AbstractiveFacadeTest.dialogues(new Random(1), 64), AbstractiveFacadeTest.dialogues(new Random(2), 8),
                AbstractiveFacadeTest.dialogues(new Random(3), 10));
    }

    private void check(IntFunction<SummarizerConfig> config, List<SummaryExample> train, List<SummaryExample> dev,
            List<SummaryExample> test) throws IOException {
        List<String> documents = test.stream().map(SummaryExample::document).toList();
        Path run = dir.resolve("run");
        Summarizer.train(config.apply(2), train, dev, TrainingOptions.builder().optRunDirectory(run).build()).close();
        try (Summarizer resumed = Summarizer.train(config.apply(3), train, dev,
                TrainingOptions.builder().optRunDirectory(run).optResume(true).build());
                Summarizer straight = Summarizer.train(config.apply(3), train, dev,
                        TrainingOptions.builder().optRunDirectory(dir.resolve("straight")).build())) {
            assertEquals(straight.summarize(documents), resumed.summarize(documents));
        }
        IllegalStateException fresh = assertThrows(IllegalStateException.class, () -> Summarizer.train(config.apply(3),
                train, dev, TrainingOptions.builder().optRunDirectory(run).build()));
        assertTrue(fresh.getMessage().contains("already holds checkpoints"), fresh.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainingOptions.builder().optResume(true).build());
    }
}
