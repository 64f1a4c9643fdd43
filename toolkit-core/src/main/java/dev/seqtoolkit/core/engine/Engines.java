package dev.seqtoolkit.core.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import java.util.Locale;
import java.util.Set;

/**
 * Chooses the DJL engine the toolkit runs on.
 *
 * <p>The engine is read, in order, from the system property {@code toolkit.engine}, the environment
 * variable {@code TOOLKIT_ENGINE}, and otherwise defaults to {@code PyTorch}. Accepted values are
 * {@code PyTorch} and {@code MXNet} (case-insensitive). Native libraries come from the jars on the
 * class path; the toolkit switches DJL into offline mode so that nothing is downloaded.
 *
 * <p>Nothing but this class, bundle loading and tests names an engine.
 */
public final class Engines {
    public static final String PROPERTY = "toolkit.engine";
    public static final String ENVIRONMENT = "TOOLKIT_ENGINE";
    public static final String PYTORCH = "PyTorch";
    public static final String MXNET = "MXNet";
    public static final Set<String> SUPPORTED = Set.of(PYTORCH, MXNET);

    static {
        // Natives are packaged in Maven jars; never reach for the network.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // DJL's own default (Engine.getInstance(), used inside DJL's Trainer) must be the same
        // engine, also when a second engine is loaded into the same JVM.
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", configuredName());
        }
    }

    private Engines() {}

    /** The configured engine name, normalised to DJL's spelling. */
    public static String configuredName() {
        String value = System.getProperty(PROPERTY);
        String source = "system property " + PROPERTY;
        if (value == null || value.isBlank()) {
            value = System.getenv(ENVIRONMENT);
            source = "environment variable " + ENVIRONMENT;
        }
        if (value == null || value.isBlank()) {
            return PYTORCH;
        }
        return normalise(value, source);
    }

    /** Normalises a user-given engine name; fails naming the value and where it came from. */
    public static String normalise(String value, String source) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "pytorch":
            case "pt":
            case "torch":
                return PYTORCH;
            case "mxnet":
            case "mx":
                return MXNET;
            default:
                throw new IllegalArgumentException(
                        "Unknown engine '" + value + "' in " + source + "; expected one of " + SUPPORTED);
        }
    }

    /** The configured engine, loaded. */
    public static Engine engine() {
        return engine(configuredName());
    }

    /** The named engine, loaded; fails with the engine's name if its natives cannot be loaded. */
    public static Engine engine(String name) {
        String normalised = normalise(name, "argument");
        Engine engine = Engine.getEngine(normalised);
        if (engine == null) {
            throw new IllegalStateException("DJL engine " + normalised + " is not on the class path");
        }
        return engine;
    }

    /** A new base manager on the configured engine. The caller closes it. */
    public static NDManager newManager() {
        return engine().newBaseManager();
    }

    /** True if the engine computes asynchronously (MXNet): clocks must read a value before stopping. */
    public static boolean isAsynchronous(Engine engine) {
        return MXNET.equals(engine.getEngineName());
    }
}
