package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.decode.BeamSearch;
import dev.seqtoolkit.core.decode.GreedySearch;
import dev.seqtoolkit.core.decode.Hypothesis;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.ModelBundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Models saved before copy and coverage existed (test resources {@code seq2seq/before-copy}, see its
 * README) load unchanged, give the outputs that version recorded, and save to the same bytes: with
 * both options off the model is the one it was.
 */
class BeforeCopyCompatibilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Engines.newManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static List<int[]> rows(JsonNode node) {
        List<int[]> out = new ArrayList<>();
        node.forEach(row -> {
            int[] ids = new int[row.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = row.get(i).asInt();
            }
            out.add(ids);
        });
        return out;
    }

    private static float[] floats(JsonNode node) {
        float[] out = new float[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) node.get(i).asDouble();
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"bahdanau-additive-lstm", "luong-general-gru"})
    void savedModelGivesItsRecordedOutputs(String name) throws Exception {
        Path root = Path.of(getClass().getResource("/seq2seq/before-copy/" + name).toURI());
        JsonNode expected = JSON.readTree(root.resolve("expected.json").toFile());
        ModelBundle bundle = ModelBundle.load(root.resolve("bundle"));
        Seq2SeqModel model = Seq2SeqBundle.load(bundle, manager);
        assertFalse(model.config().copy() || model.config().coverage());
        List<int[]> sources = rows(expected.get("sources"));
        List<int[]> targetInput = rows(expected.get("targetInput"));
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager m = manager.newSubManager()) {
            NDArray tgt = Fixtures.ids(m, targetInput);
            Seq2SeqOutput out = model.forwardTeacherForced(ps, Fixtures.ids(m, sources), Fixtures.lengths(m, sources),
                    tgt, false);
            assertEquals(2, out.toList().size());
            Fixtures.assertClose(floats(expected.get("logProbs")), out.logits().logSoftmax(2).toFloatArray(), 1e-5f,
                    name + " log-probs");
            Fixtures.assertClose(floats(expected.get("attention")), out.attention().toFloatArray(), 1e-5f,
                    name + " attention");
        }
        try (DjlStepModel step = DjlStepModel.of(model, manager)) {
            List<List<Hypothesis>> greedy = GreedySearch.builder().optMaxLength(6).build().decode(step, sources);
            List<List<Hypothesis>> beam = BeamSearch.builder().optBeamSize(3).optMaxLength(6).build()
                    .decode(step, sources);
            List<int[]> wantGreedy = rows(expected.get("greedy"));
            List<int[]> wantBeam = rows(expected.get("beam3"));
            for (int i = 0; i < sources.size(); i++) {
                assertArrayEquals(wantGreedy.get(i), greedy.get(i).get(0).tokens(), name + " greedy " + i);
                assertArrayEquals(wantBeam.get(i), beam.get(i).get(0).tokens(), name + " beam " + i);
                assertEquals(expected.get("beam3Scores").get(i).asDouble(), beam.get(i).get(0).score(), 1e-4,
                        name + " beam score " + i);
            }
        }
        // the parameter file starts with the input shapes the block was initialised with: use the writer's
        Seq2SeqModel same = new Seq2SeqModel(Seq2SeqBundle.readConfig(bundle));
        same.initialize(manager, DataType.FLOAT32, new Shape(2, 4), new Shape(2), new Shape(2, 3));
        bundle.loadParameters(same, manager);
        Seq2SeqBundle.builder(same, bundle.provenance()).save(dir.resolve("again"));
        for (String file : List.of(ModelBundle.CONFIG, ModelBundle.PARAMETERS)) {
            assertArrayEquals(Files.readAllBytes(root.resolve("bundle").resolve(file)),
                    Files.readAllBytes(dir.resolve("again").resolve(file)), name + " " + file + " bytes");
        }
    }
}
