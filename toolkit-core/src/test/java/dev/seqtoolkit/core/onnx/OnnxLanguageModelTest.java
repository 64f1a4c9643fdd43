package dev.seqtoolkit.core.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.lm.LanguageModelConfig;
import dev.seqtoolkit.core.lm.Sampler;
import dev.seqtoolkit.core.lm.TextLanguageModel;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.nn.GateActivation;
import dev.seqtoolkit.core.text.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A DJL language model exported with its text setup must compute the same logits and text in ONNX Runtime. */
class OnnxLanguageModelTest {
    @TempDir
    Path dir;

    static Vocabulary letters(int size) {
        List<String> tokens = new ArrayList<>(Vocabulary.RESERVED);
        for (int i = tokens.size(); i < size; i++) {
            tokens.add(String.valueOf((char) ('a' + i - 4)));
        }
        return Vocabulary.of(tokens);
    }

    /** A model with every parameter (biases too) uniform in [-0.5, 0.5). */
    static TextLanguageModel model(LanguageModelConfig config, long seed) {
        TextLanguageModel lm = TextLanguageModel.create(TextLanguageModel.TokenizerKind.CHARACTERS,
                letters(config.vocabSize()), config);
        Random random = new Random(seed);
        lm.model().getParameters().forEach(p -> {
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = random.nextFloat() - 0.5f;
            }
            a.set(FloatBuffer.wrap(v));
        });
        return lm;
    }

    static float[] djlLogits(TextLanguageModel lm, int[] ids) {
        try (NDManager m = Engines.newManager()) {
            NDArray tokens = m.create(ids, new Shape(1, ids.length));
            return lm.model().forward(new ParameterStore(m, false), tokens, null, false).logits().toFloatArray();
        }
    }

    @ParameterizedTest(name = "{0} layers={1} embedding={2} gate={3}")
    @CsvSource({
        "LSTM, 1, 0, SIGMOID",
        "LSTM, 2, 3, SIGMOID",
        "GRU, 1, 0, SIGMOID",
        "GRU, 2, 5, SIGMOID",
        "LSTM, 1, 3, HARD_SIGMOID",
    })
    void logitsAndGreedyTextMatchTheDjlModel(CellType cell, int layers, int embedding, GateActivation gate)
            throws Exception {
        LanguageModelConfig config = new LanguageModelConfig(11, embedding, cell, 7, layers, 0f, gate, null, null, false);
        Path file = dir.resolve("lm.onnx");
        try (TextLanguageModel lm = model(config, 17)) {
            OnnxLanguageModel.export(lm, file, Provenance.builder().setConfig(lm.configJson()).build());
            int[] ids = {5, 2, 8, 8, 4, 6, 1, 10};
            float[] expected = djlLogits(lm, ids);
            try (OnnxLanguageModel onnx = OnnxLanguageModel.load(file)) {
                OnnxTestSupport.assertClose(expected, onnx.logits(ids), 1e-5, "logits of " + config);
                assertEquals(lm.generate("bad", 12, Sampler.greedy()), onnx.generate("bad", 12, Sampler.greedy()));
                assertEquals(lm.vocabulary(), onnx.vocabulary());
                assertEquals(config, onnx.config());
                assertEquals(TextLanguageModel.TokenizerKind.CHARACTERS, onnx.tokenizerKind());
            }
        }
        OnnxTestSupport.assumeCheckerPasses(List.of(file));
    }

    @Test
    void metadataCarriesVocabularyTokenizerConfigAndProvenance() throws Exception {
        Path file = dir.resolve("lm.onnx");
        LanguageModelConfig config = new LanguageModelConfig(9, 0, CellType.GRU, 5, 1, 0f, null, null, null, false);
        try (TextLanguageModel lm = model(config, 3)) {
            OnnxLanguageModel.export(lm, file, Provenance.builder().setConfig(lm.configJson())
                    .addExtra("note", "tiny").build());
        }
        try (OnnxModel m = OnnxModel.load(file)) {
            assertEquals("characters", m.metadata(OnnxLanguageModel.TOKENIZER_KEY).orElseThrow());
            assertTrue(m.metadata(OnnxLanguageModel.VOCABULARY_KEY).orElseThrow().startsWith("[\"<pad>\",\"<unk>\""));
            assertEquals(letters(9).sha256(), m.metadata(OnnxLanguageModel.VOCABULARY_SHA_KEY).orElseThrow());
            assertTrue(m.metadata(OnnxLanguageModel.MODEL_CONFIG_KEY).orElseThrow().contains("\"cell\":\"GRU\""));
            assertTrue(m.metadata(OnnxLanguageModel.PROVENANCE_KEY).orElseThrow().contains("tiny"));
        }
    }

    @Test
    void timeGateIsRefusedNamingTheVariant() {
        LanguageModelConfig config = new LanguageModelConfig(9, 0, CellType.LSTM, 5, 1, 0f, null, null, null, true);
        try (TextLanguageModel lm = model(config, 5)) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> OnnxLanguageModel.export(lm, dir.resolve("x.onnx"), Provenance.builder().setConfig(lm.configJson()).build()));
            assertTrue(e.getMessage().contains("time gate"), e.getMessage());
        }
        assertTrue(!dir.resolve("x.onnx").toFile().exists(), "no file is written for a refused export");
    }

    @Test
    void aRecurrentStackWithoutTheLanguageModelMetadataIsRefused() throws Exception {
        Path file = dir.resolve("lm.onnx");
        LanguageModelConfig config = new LanguageModelConfig(9, 0, CellType.GRU, 5, 1, 0f, null, null, null, false);
        try (TextLanguageModel lm = model(config, 3)) {
            OnnxLanguageModel.exporter(lm.model()).build().save(file); // graph without text metadata
        }
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> OnnxLanguageModel.load(file));
        assertEquals(InvalidModelException.Reason.SIGNATURE_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains(OnnxLanguageModel.TOKENIZER_KEY), e.getMessage());
    }
}
