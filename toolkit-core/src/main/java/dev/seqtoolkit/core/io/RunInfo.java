package dev.seqtoolkit.core.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/** What every benchmark record carries besides its figures: command, commit, machine and date. */
public final class RunInfo {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunInfo() {}

    /** A JSON object with the command line, git commit, machine, JVM and date. */
    public static ObjectNode describe(String command) {
        ObjectNode node = JSON.createObjectNode();
        node.put("command", command);
        node.put("commit", gitCommit());
        node.put("date", OffsetDateTime.now(ZoneOffset.UTC).withNano(0).toString());
        ObjectNode machine = node.putObject("machine");
        machine.put("cpu", cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memory_gib", Math.round(totalMemoryGib() * 10) / 10.0);
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return node;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    static double totalMemoryGib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("MemTotal:")) {
                    String kb = line.replaceAll("[^0-9]", "");
                    return Long.parseLong(kb) / 1024.0 / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory() / 1024.0 / 1024.0 / 1024.0;
    }

    /**
     * The commit of the code that runs: the system property {@code toolkit.commit} when set (a run
     * from a copy of an earlier build says which build it is), else the working directory's git
     * commit (with "-dirty" when the tree has changes), else "unknown".
     */
    public static String gitCommit() {
        String declared = System.getProperty("toolkit.commit");
        if (declared != null && !declared.isBlank()) {
            return declared.strip();
        }
        try {
            String head = run("git", "rev-parse", "--short=12", "HEAD");
            String status = run("git", "status", "--porcelain", "--untracked-files=no");
            return status.isBlank() ? head : head + "-dirty";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed");
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
