package dev.seqtoolkit.core.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ONNX's own checker for the tests of every module: runs Debian's python3-onnx
 * {@code onnx.checker.check_model(model, full_check=True)} (which also infers every shape) on
 * exported files, and skips (a JUnit assumption, shown as a skip) when python3 or its onnx module is
 * missing.
 */
public final class OnnxChecker {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private OnnxChecker() {}

    /** Runs the full check on each file; fails with the checker's output for the first one it rejects. */
    public static void assumeCheckerPasses(List<Path> models) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import onnx").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "python3 has no onnx module");
        for (Path model : models) {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c",
                    "import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)",
                    model.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "checker timed out on " + model);
            assertEquals(0, p.exitValue(), "onnx.checker rejected " + model + ":\n" + log);
        }
    }
}
