package dev.seqtoolkit.core.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.GateActivation;
import dev.seqtoolkit.core.text.Vocabulary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The host generation path must compute exactly what the engine computes. */
class HostLanguageModelTest {
    static Vocabulary vocabulary(int size) {
        List<String> tokens = new ArrayList<>(Vocabulary.RESERVED);
        for (int i = tokens.size(); i < size; i++) {
            tokens.add(String.valueOf((char) ('a' + i - 4)));
        }
        return Vocabulary.of(tokens);
    }

    private static void assertHostMatchesEngine(LanguageModelConfig config) {
        try (TextLanguageModel lm = TextLanguageModel.create(TextLanguageModel.TokenizerKind.CHARACTERS,
                vocabulary(config.vocabSize()), config)) {
            int[] tokens = {5, 2, 8, 8, 4, 6, 1};
            float[][] engine;
            try (NDManager m = lm.manager().newSubManager()) {
                NDArray ids = m.create(tokens, new Shape(1, tokens.length));
                NDArray logits = lm.model().forward(new ParameterStore(m, false), ids, null, false).logits();
                engine = new float[tokens.length][];
                for (int t = 0; t < tokens.length; t++) {
                    engine[t] = logits.get(0, t).toFloatArray();
                }
            }
            HostLanguageModel.Stream stream = HostLanguageModel.of(lm.model()).newStream();
            for (int t = 0; t < tokens.length; t++) {
                float[] host = stream.step(tokens[t]);
                assertArrayEquals(engine[t], host, 1e-5f, "logits after token " + t + " of " + config);
            }
        }
    }

    @Test
    void oneHotLstmMatchesTheFusedModelAtOddSizes() {
        assertHostMatchesEngine(new LanguageModelConfig(11, 0, CellType.LSTM, 5, 1, 0f, null, null, null, false));
    }

    @Test
    void embeddedTwoLayerLstmMatches() {
        assertHostMatchesEngine(new LanguageModelConfig(13, 3, CellType.LSTM, 7, 2, 0f, null, null, null, false));
    }

    @Test
    void gruMatches() {
        assertHostMatchesEngine(new LanguageModelConfig(9, 0, CellType.GRU, 6, 2, 0f, null, null, null, false));
    }

    @Test
    void hostAndEngineGenerationAgreeTokenForToken() {
        LanguageModelConfig config = new LanguageModelConfig(12, 0, CellType.LSTM, 8, 1, 0f, null, null, null, false);
        try (TextLanguageModel lm = TextLanguageModel.create(TextLanguageModel.TokenizerKind.CHARACTERS, vocabulary(12), config)) {
            int[] prefix = {4, 5, 6};
            assertArrayEquals(lm.generateOnEngine(prefix, 20, Sampler.greedy()), lm.generateOnHost(prefix, 20, Sampler.greedy()));
            assertArrayEquals(lm.generateOnEngine(prefix, 20, Sampler.sampling(1.0, 0, 3)),
                    lm.generateOnHost(prefix, 20, Sampler.sampling(1.0, 0, 3)));
        }
    }

    @Test
    void variantsAreRefusedWithTheReason() {
        LanguageModelConfig config = new LanguageModelConfig(8, 0, CellType.LSTM, 4, 1, 0f,
                GateActivation.HARD_SIGMOID, null, null, false);
        try (TextLanguageModel lm = TextLanguageModel.create(TextLanguageModel.TokenizerKind.CHARACTERS, vocabulary(8), config)) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> HostLanguageModel.of(lm.model()));
            assertTrue(e.getMessage().contains("HARD_SIGMOID"), e.getMessage());
            // the variant still generates, through its explicit cells on the engine
            assertEquals(6, lm.generateOnEngine(new int[] {4, 5, 6}, 6, Sampler.greedy()).length);
            assertTrue(lm.generate("abc", 6, Sampler.greedy()).startsWith("abc"));
        }
    }

    @Test
    void outOfRangeTokenIsRejected() {
        LanguageModelConfig config = LanguageModelConfig.charLstm(6, 3);
        try (TextLanguageModel lm = TextLanguageModel.create(TextLanguageModel.TokenizerKind.CHARACTERS, vocabulary(6), config)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HostLanguageModel.of(lm.model()).newStream().step(6));
            assertTrue(e.getMessage().contains("6"), e.getMessage());
        }
    }
}
