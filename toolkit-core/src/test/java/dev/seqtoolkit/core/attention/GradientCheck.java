package dev.seqtoolkit.core.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares DJL autograd gradients with central finite differences, in float64 on both engines.
 *
 * <p>Tolerance: with float64 and step {@code h = 1e-6} the central difference has truncation error
 * about {@code h^2 * f'''} (1e-12 here) and rounding error about {@code eps * |L| / h} (1e-10 for
 * |L| near 1), so {@code |auto - fd| <= 1e-6 + 1e-5 * |fd|} leaves a wide margin while a wrong
 * gradient (a transposed weight, a missing mask) is off by order 1e-2 or more.
 */
final class GradientCheck {

    static final double H = 1e-6;
    static final double ABS_TOL = 1e-6;
    static final double REL_TOL = 1e-5;

    /** A scalar loss of the block's outputs; {@code training} selects the autograd forward. */
    interface Loss {
        NDArray compute(ParameterStore ps, boolean training);
    }

    private GradientCheck() {}

    /**
     * Checks the gradient of {@code loss} with respect to every parameter of {@code block} (if not
     * null) and every
     * array in {@code inputs} at {@code probes} random elements of each (all elements if fewer).
     *
     * @return the number of elements compared
     */
    static int check(
            NDManager manager, Block block, List<NDArray> inputs, Loss loss, int probes, long seed) {
        List<NDArray> targets = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (block != null) {
            for (Parameter p : block.getParameters().values()) {
                targets.add(p.getArray());
                names.add("parameter " + p.getName());
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            inputs.get(i).setRequiresGradient(true);
            targets.add(inputs.get(i));
            names.add("input " + i);
        }
        ParameterStore ps = new ParameterStore(manager, false);
        List<double[]> autograd = new ArrayList<>();
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray value = loss.compute(ps, true);
            collector.backward(value);
            for (NDArray t : targets) {
                try (NDArray g = t.getGradient()) {
                    autograd.add(g.toDoubleArray());
                }
            }
            value.close();
        }
        Random random = new Random(seed);
        int compared = 0;
        StringBuilder failures = new StringBuilder();
        for (int k = 0; k < targets.size(); k++) {
            NDArray t = targets.get(k);
            double[] base = t.toDoubleArray();
            int n = base.length;
            int count = Math.min(probes, n);
            for (int j = 0; j < count; j++) {
                int index = count == n ? j : random.nextInt(n);
                double[] perturbed = base.clone();
                perturbed[index] = base[index] + H;
                t.set(perturbed);
                double plus = scalar(loss, ps);
                perturbed[index] = base[index] - H;
                t.set(perturbed);
                double minus = scalar(loss, ps);
                t.set(base);
                double fd = (plus - minus) / (2 * H);
                double auto = autograd.get(k)[index];
                if (Math.abs(auto - fd) > ABS_TOL + REL_TOL * Math.abs(fd)) {
                    failures.append(String.format(
                            "%s[%d]: autograd %.10g, finite difference %.10g%n",
                            names.get(k), index, auto, fd));
                }
                compared++;
            }
        }
        if (failures.length() > 0) {
            fail("gradient mismatch:\n" + failures);
        }
        assertTrue(compared > 0);
        return compared;
    }

    /** As {@link #check} for a loss without parameters: only the inputs are checked. */
    static int checkInputs(NDManager manager, List<NDArray> inputs, Loss loss, int probes, long seed) {
        return check(manager, null, inputs, loss, probes, seed);
    }

    private static double scalar(Loss loss, ParameterStore ps) {
        try (NDArray value = loss.compute(ps, false)) {
            return value.toDoubleArray()[0];
        }
    }

    /** Returns the autograd gradient of one array, for checks such as "zero at padding". */
    static double[] gradientOf(NDArray array) {
        try (NDArray g = array.getGradient()) {
            return g.toDoubleArray();
        }
    }
}
