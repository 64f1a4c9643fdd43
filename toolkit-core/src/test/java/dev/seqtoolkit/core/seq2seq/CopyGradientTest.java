package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.seqtoolkit.core.data.Batch;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.core.train.LossResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Autograd against central finite differences for the copy + coverage training loss of tiny models
 * ({@link Seq2SeqTask#loss} per target token), probing every parameter, the copy switch's and the
 * coverage weight among them.
 *
 * <p>The model computes in float32 (its masks and states are float32), so the step is {@code h =
 * 1e-2}: rounding then costs about {@code 1e-7 * |L| / (2h)}, some {@code 1e-5} for a loss near 3,
 * and truncation {@code h^2 |L'''| / 6} about as much. The largest difference measured on the correct
 * code is 3e-5 with gradients of 1e-4 to 2e-2, so {@code |auto - fd| <= 1e-4 + 1e-2 |fd|}; stopping
 * the gradient of the copy term alone puts differences of 3e-3 to 1e-2 on the attention's weights.
 */
class CopyGradientTest {
    private static final float H = 1e-2f;
    private static final int PROBES = 2;

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("copy+coverage BAHDANAU LSTM", PointerGeneratorTest.copy().optCoverage(true)
                        .optCoverageWeight(0.7f).build()),
                Arguments.of("copy+coverage LUONG GRU input feeding, utterance encoder", PointerGeneratorTest.copy()
                        .optCoverage(true).optDecoderStyle(Seq2SeqConfig.DecoderStyle.LUONG).optInputFeeding(true)
                        .optCell(CellType.GRU).optUtteranceEncoder(3, 7).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void autogradMatchesFiniteDifferences(String name, Seq2SeqConfig config) {
        try (NDManager manager = Engines.newManager()) {
            Seq2SeqModel model = Fixtures.model(config, manager, 83);
            Seq2SeqTask task = new Seq2SeqTask(model, 3, 5, 4);
            Batch batch = Batch.parallel(PointerGeneratorTest.SOURCES, Arrays.asList(PointerGeneratorTest.TARGETS));
            ParameterStore ps = new ParameterStore(manager, false);
            List<Pair<String, Parameter>> parameters = new ArrayList<>();
            model.getParameters().forEach(parameters::add);
            List<float[]> gradients = new ArrayList<>();
            try (NDManager step = manager.newSubManager();
                    GradientCollector collector = manager.getEngine().newGradientCollector()) {
                LossResult r = task.loss(step, ps, batch, true);
                collector.backward(r.loss().div(r.units()));
                for (Pair<String, Parameter> p : parameters) {
                    try (NDArray g = p.getValue().getArray().getGradient()) {
                        gradients.add(g.toFloatArray());
                    }
                }
            }
            Random random = new Random(5);
            StringBuilder failures = new StringBuilder();
            int compared = 0;
            for (int k = 0; k < parameters.size(); k++) {
                NDArray array = parameters.get(k).getValue().getArray();
                float[] base = array.toFloatArray();
                for (int j = 0; j < Math.min(PROBES, base.length); j++) {
                    int index = random.nextInt(base.length);
                    float[] perturbed = base.clone();
                    perturbed[index] = base[index] + H;
                    array.set(perturbed);
                    double plus = loss(manager, task, ps, batch);
                    perturbed[index] = base[index] - H;
                    array.set(perturbed);
                    double minus = loss(manager, task, ps, batch);
                    array.set(base);
                    double fd = (plus - minus) / (2 * H);
                    double auto = gradients.get(k)[index];
                    if (Math.abs(auto - fd) > 1e-4 + 1e-2 * Math.abs(fd)) {
                        failures.append(String.format("%s[%d]: autograd %.6g, finite difference %.6g%n",
                                parameters.get(k).getKey(), index, auto, fd));
                    }
                    compared++;
                }
            }
            if (failures.length() > 0) {
                fail(name + ": gradient mismatch\n" + failures);
            }
            assertTrue(parameters.stream().anyMatch(p -> p.getKey().equals("copy_weight")), name);
            assertTrue(parameters.stream().anyMatch(p -> p.getKey().endsWith("coverageWeight")), name);
            assertTrue(compared > parameters.size(), name + ": compared " + compared);
        }
    }

    private static double loss(NDManager manager, Seq2SeqTask task, ParameterStore ps, Batch batch) {
        try (NDManager step = manager.newSubManager()) {
            LossResult r = task.loss(step, ps, batch, false);
            return r.loss().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble() / r.units();
        }
    }
}
