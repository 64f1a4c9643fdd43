package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.lm.LanguageModelTrainer;
import dev.seqtoolkit.core.lm.TextLanguageModel;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.RecurrentWeights;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PretrainingTest {

    private static TextLanguageModel languageModel(int embedding, int hidden) throws IOException {
        StringBuilder text = new StringBuilder();
        for (LabeledText t : Synthetic.sentences(120, 9, false)) {
            text.append(t.text()).append('\n');
        }
        return LanguageModelTrainer.builder().optTokenizer(TextLanguageModel.TokenizerKind.WORDS)
                .optEmbeddingSize(embedding).optCell(CellType.LSTM).optHiddenSize(hidden).optBatchSize(4)
                .optNumSteps(5).optEpochs(1).optOptimizer(LanguageModelTrainer.OptimizerKind.ADAM)
                .optLearningRate(0.01f).optProgressBar(false).build().train(text.toString()).model();
    }

    @Test
    void embeddingRowsAndForwardEncoderComeFromTheLanguageModel() throws IOException {
        try (TextLanguageModel lm = languageModel(6, 5)) {
            SentimentConfig config = SentimentClassifier.builder().setLabels(List.of("neg", "pos"))
                    .optEmbeddingSize(6).optHiddenSize(5).optEpochs(1).optLearningRate(1e-9f).optDropout(0f).build();
            TrainingOptions options = TrainingOptions.builder().optPretrainedLanguageModel(lm).build();
            try (SentimentClassifier c = SentimentClassifier.train(config, Synthetic.sentences(40, 1, false),
                    Synthetic.sentences(8, 2, false), options)) {
                Pretraining p = c.trainingReport().orElseThrow().pretraining();
                assertTrue(p.copiedRows() >= 15, "copied " + p.copiedRows());
                float[] lmTable = lm.model().embedding().weight().toFloatArray();
                float[] table = c.network().embedding().weight().toFloatArray();
                for (String word : List.of("good", "awful", "movie")) {
                    int a = lm.vocabulary().index(word);
                    int b = c.vocabulary().index(word);
                    assertTrue(a > 3 && b > 3, word);
                    for (int k = 0; k < 6; k++) {
                        assertEquals(lmTable[a * 6 + k], table[b * 6 + k], 1e-6, word + "[" + k + "]");
                    }
                }
                RecurrentWeights from = lm.model().encoder().weights(0, 0);
                RecurrentWeights to = c.network().wordEncoder().weights(0, 0);
                for (int i = 0; i < 4; i++) {
                    assertArrayEquals(from.toArray()[i].toFloatArray(), to.toArray()[i].toFloatArray(), 1e-6f,
                            RecurrentWeights.DJL_NAMES[i]);
                }
                float[] backward = c.network().wordEncoder().weights(0, 1).i2hWeight().toFloatArray();
                assertFalse(java.util.Arrays.equals(from.i2hWeight().toFloatArray(), backward),
                        "the backward direction keeps its own initialisation");
            }
            SentimentConfig wrong = SentimentClassifier.builder().setLabels(List.of("neg", "pos"))
                    .optEmbeddingSize(6).optHiddenSize(8).optEpochs(1).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SentimentClassifier.train(wrong, Synthetic.sentences(10, 1, false),
                            Synthetic.sentences(4, 2, false),
                            TrainingOptions.builder().optPretrainedLanguageModel(lm).build()));
            assertTrue(e.getMessage().contains("LSTM 5") && e.getMessage().contains("LSTM 8"), e.getMessage());
        }
    }
}
