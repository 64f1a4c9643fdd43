package dev.seqtoolkit.core.data;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The root directory of the toolkit's datasets (e.g. {@code timemachine/timemachine.txt},
 * {@code ptb/ptb.train.txt}, {@code multi30k/train.en}).
 *
 * <p>The root is resolved, in order, from:
 * <ol>
 *   <li>an explicit path given by the caller ({@link #of(Path)});
 *   <li>the system property {@value #PROPERTY};
 *   <li>the environment variable {@value #ENVIRONMENT};
 *   <li>{@code ../shared/datasets} relative to the working directory, then
 *       {@code ../../shared/datasets} (Maven runs a module's tests inside the module directory),
 *       whichever exists first.
 * </ol>
 * A path given explicitly, by property or by environment must exist; it is never silently skipped
 * in favour of a later source.
 */
public final class DataDirectory {

    /** System property naming the data root. */
    public static final String PROPERTY = "toolkit.data";
    /** Environment variable naming the data root. */
    public static final String ENVIRONMENT = "TOOLKIT_DATA";

    private static final String HOW_TO_SET = "set the data directory with -D" + PROPERTY
            + "=/path/to/datasets or the environment variable " + ENVIRONMENT;

    private final Path root;
    private final String source;

    private DataDirectory(Path root, String source) {
        this.root = root.toAbsolutePath().normalize();
        this.source = source;
    }

    /**
     * Uses an explicit root.
     *
     * @throws IllegalArgumentException if it is not an existing directory
     */
    public static DataDirectory of(Path root) {
        return checked(root, "explicit path");
    }

    /**
     * Resolves the root from the system property, the environment or the default locations.
     *
     * @throws IllegalStateException if no source yields an existing directory; the message lists
     *     what was tried and how to set the directory
     */
    public static DataDirectory resolve() {
        return resolve(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT), Paths.get(""));
    }

    /**
     * Like {@link #resolve()}, but empty instead of failing when no default location exists. A
     * property or environment variable naming a missing directory still fails.
     */
    public static Optional<DataDirectory> find() {
        return find(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT), Paths.get(""));
    }

    static DataDirectory resolve(String property, String environment, Path workingDirectory) {
        return find(property, environment, workingDirectory).orElseThrow(() -> new IllegalStateException(
                "no data directory found: neither system property " + PROPERTY
                        + " nor environment variable " + ENVIRONMENT + " is set, and none of "
                        + defaults(workingDirectory) + " exists; " + HOW_TO_SET));
    }

    static Optional<DataDirectory> find(String property, String environment, Path workingDirectory) {
        if (property != null && !property.isBlank()) {
            return Optional.of(checked(Paths.get(property.trim()), "system property " + PROPERTY));
        }
        if (environment != null && !environment.isBlank()) {
            return Optional.of(checked(Paths.get(environment.trim()), "environment variable " + ENVIRONMENT));
        }
        for (Path candidate : defaults(workingDirectory)) {
            if (Files.isDirectory(candidate)) {
                return Optional.of(new DataDirectory(candidate, "default location " + candidate));
            }
        }
        return Optional.empty();
    }

    private static List<Path> defaults(Path workingDirectory) {
        Path cwd = workingDirectory.toAbsolutePath().normalize();
        List<Path> out = new ArrayList<>();
        out.add(cwd.resolve("../shared/datasets").normalize());
        out.add(cwd.resolve("../../shared/datasets").normalize());
        return out;
    }

    private static DataDirectory checked(Path root, String source) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("data directory " + root.toAbsolutePath().normalize()
                    + " (from " + source + ") does not exist or is not a directory; " + HOW_TO_SET);
        }
        return new DataDirectory(root, source);
    }

    /** The absolute, normalised root. */
    public Path root() {
        return root;
    }

    /** Where the root came from, e.g. {@code "system property toolkit.data"}. */
    public String source() {
        return source;
    }

    /** The path of {@code relative} under the root, whether or not it exists. */
    public Path resolvePath(String relative) {
        return root.resolve(relative).normalize();
    }

    /** Whether {@code relative} exists under the root. */
    public boolean exists(String relative) {
        return Files.exists(resolvePath(relative));
    }

    /**
     * The path of {@code relative} under the root, which must exist.
     *
     * @throws NoSuchFileException naming the missing path, the root's source and how to set it
     */
    public Path require(String relative) throws NoSuchFileException {
        Path path = resolvePath(relative);
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "missing dataset file under data directory "
                    + root + " (from " + source + "); download it there, or " + HOW_TO_SET);
        }
        return path;
    }

    @Override
    public String toString() {
        return "DataDirectory(" + root + " from " + source + ")";
    }
}
