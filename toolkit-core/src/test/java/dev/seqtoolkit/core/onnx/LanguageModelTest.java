package dev.seqtoolkit.core.onnx;

import dev.seqtoolkit.core.host.HostRecurrentStack;
import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;
import dev.seqtoolkit.core.lm.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.seqtoolkit.core.onnx.OnnxTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** The exported language-model step graph against the host stack plus a hand-written matvec. */
class LanguageModelTest {
    private static final int V = 11;
    private static final int E = 3;
    private static final int H = 5;

    @TempDir
    Path dir;

    /** Weights and an exporter for one random model. */
    private record Lm(Cell cell, List<FusedRecurrentWeights> layers, float[] embedding, float[] w, float[] b,
            LanguageModelExporter exporter) {

        HostRecurrentStack hostStack() {
            HostRecurrentStack.Builder builder = HostRecurrentStack.builder(cell);
            for (FusedRecurrentWeights l : layers) {
                builder.addLayer(l.inputSize(), l.hiddenSize(), l.i2hWeight(), l.h2hWeight(), l.i2hBias(), l.h2hBias());
            }
            return builder.build();
        }

        float[] input(long token) {
            int in = layers.get(0).inputSize();
            float[] x = new float[in];
            if (embedding == null) {
                x[(int) token] = 1f;
            } else {
                System.arraycopy(embedding, (int) token * in, x, 0, in);
            }
            return x;
        }

        /** logits = W h + b in double precision, W (V, H) in DJL Linear layout. */
        float[] logits(float[] h) {
            float[] out = new float[V];
            for (int v = 0; v < V; v++) {
                double s = b[v];
                for (int j = 0; j < H; j++) {
                    s += (double) w[v * H + j] * h[j];
                }
                out[v] = (float) s;
            }
            return out;
        }
    }

    private static Lm randomLm(Random random, Cell cell, int numLayers, boolean oneHot) {
        float[] embedding = oneHot ? null : random(random, V * E, 1.0);
        List<FusedRecurrentWeights> layers = new ArrayList<>();
        LanguageModelExporter.Builder builder = LanguageModelExporter.builder(cell).setVocabularySize(V);
        if (!oneHot) {
            builder.optEmbedding(embedding, E);
        }
        for (int l = 0; l < numLayers; l++) {
            FusedRecurrentWeights w = randomWeights(random, cell, l == 0 ? (oneHot ? V : E) : H, H);
            layers.add(w);
            builder.addLayer(w);
        }
        float[] w = random(random, V * H, 0.7);
        float[] b = random(random, V, 0.3);
        builder.setOutputLayer(w, b).putMetadata("seqtoolkit.provenance", "{\"test\":true}");
        return new Lm(cell, layers, embedding, w, b, builder.build());
    }

    private LanguageModelSession open(Lm lm, String name) throws Exception {
        Path file = dir.resolve(name);
        lm.exporter().save(file);
        return LanguageModelSession.open(OnnxModel.load(file));
    }

    @ParameterizedTest(name = "{0} x {1} layers, one-hot {2}")
    @CsvSource({"LSTM,1,true", "LSTM,2,true", "GRU,1,false", "GRU,2,true", "LSTM,2,false"})
    void logitsMatchHostStackAndMatvec(Cell cell, int numLayers, boolean oneHot) throws Exception {
        Random random = new Random(100 + numLayers);
        Lm lm = randomLm(random, cell, numLayers, oneHot);
        LanguageModelSession session = open(lm, "lm.onnx");
        int batch = 3;
        int time = 4;
        long[] tokens = new long[batch * time];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(V);
        }
        LanguageModelSession.State state = session.newState(batch);
        float[] logits = session.run(state, tokens, time);
        HostRecurrentStack host = lm.hostStack();
        for (int b = 0; b < batch; b++) {
            HostRecurrentStack.State hs = host.newState();
            for (int t = 0; t < time; t++) {
                host.step(hs, lm.input(tokens[b * time + t]));
                assertClose(lm.logits(hs.output()), slice(logits, (b * time + t) * V, V), 1e-5,
                        "logits batch " + b + " step " + t);
            }
            for (int l = 0; l < numLayers; l++) {
                assertClose(hs.hidden(l), slice(state.hidden(), (l * batch + b) * H, H), 1e-5, "hn layer " + l);
                if (cell == Cell.LSTM) {
                    assertClose(hs.cell(l), slice(state.cell(), (l * batch + b) * H, H), 1e-5, "cn layer " + l);
                }
            }
        }
    }

    @Test
    void steppingOneTokenAtATimeEqualsOneCallOverTheSequence() throws Exception {
        Random random = new Random(7);
        LanguageModelSession session = open(randomLm(random, Cell.LSTM, 2, true), "lm.onnx");
        long[] tokens = {3, 9, 0, 10, 4};
        LanguageModelSession.State whole = session.newState(1);
        float[] all = session.run(whole, tokens, tokens.length);
        LanguageModelSession.State stepped = session.newState(1);
        for (int t = 0; t < tokens.length; t++) {
            float[] logits = session.step(stepped, new long[] {tokens[t]});
            assertClose(slice(all, t * V, V), logits, 1e-5, "step " + t);
        }
        assertClose(whole.hidden(), stepped.hidden(), 1e-5, "h");
        assertClose(whole.cell(), stepped.cell(), 1e-5, "c");
    }

    @Test
    void greedyGenerationFollowsTheHostModel() throws Exception {
        Random random = new Random(8);
        Lm lm = randomLm(random, Cell.GRU, 1, true);
        LanguageModelSession session = open(lm, "gru.onnx");
        long[] prompt = {1, 2};
        long[] generated = session.generate(prompt, 6, Sampler.greedy(), -1);
        HostRecurrentStack host = lm.hostStack();
        HostRecurrentStack.State hs = host.newState();
        host.step(hs, lm.input(1));
        host.step(hs, lm.input(2));
        for (int i = 0; i < 6; i++) {
            int next = Sampler.greedy().next(lm.logits(hs.output()), V);
            assertEquals(next, generated[i], "token " + i);
            host.step(hs, lm.input(next));
        }
    }

    @Test
    void metadataCarriesConfigAndProvenance() throws Exception {
        Lm lm = randomLm(new Random(9), Cell.LSTM, 1, true);
        Path file = dir.resolve("meta.onnx");
        lm.exporter().save(file);
        try (OnnxModel model = OnnxModel.load(file)) {
            assertEquals("{\"test\":true}", model.metadata("seqtoolkit.provenance").orElseThrow());
            String config = model.metadata(LanguageModelExporter.CONFIG_KEY).orElseThrow();
            assertTrue(config.contains("\"vocabularySize\":11") && config.contains("\"cell\":\"LSTM\"")
                    && config.contains("\"input\":\"one-hot\""), config);
            LanguageModelSession session = LanguageModelSession.open(model);
            assertEquals(V, session.vocabularySize());
            assertEquals(H, session.hiddenSize());
        }
    }

    @Test
    void tokenOutsideTheVocabularyIsRejectedWithItsPosition() throws Exception {
        LanguageModelSession session = open(randomLm(new Random(10), Cell.LSTM, 1, true), "lm.onnx");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> session.run(session.newState(2), new long[] {1, 2, 3, 11}, 2));
        assertTrue(e.getMessage().contains("Token id 11 at (batch 1, step 1)") && e.getMessage().contains("[0, 11)"),
                e.getMessage());
    }

    @Test
    void exporterChecksSizesAndNamesThem() {
        Random random = new Random(12);
        LanguageModelExporter.Builder b = LanguageModelExporter.builder(Cell.LSTM).setVocabularySize(V)
                .addLayer(randomWeights(random, Cell.LSTM, V, H)).setOutputLayer(new float[H * V + 1], new float[V]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("output weight") && e.getMessage().contains("(11, 5)"), e.getMessage());
        LanguageModelExporter.Builder wrongIn = LanguageModelExporter.builder(Cell.GRU).setVocabularySize(V)
                .addLayer(randomWeights(random, Cell.GRU, 4, H)).setOutputLayer(new float[H * V], new float[V]);
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, wrongIn::build);
        assertTrue(e2.getMessage().contains("one-hot size V = 11"), e2.getMessage());
    }
}
