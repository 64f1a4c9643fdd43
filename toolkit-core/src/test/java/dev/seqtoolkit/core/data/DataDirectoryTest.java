package dev.seqtoolkit.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void resolutionOrderPropertyThenEnvironmentThenDefaults() throws IOException {
        Path prop = Files.createDirectories(tmp.resolve("prop"));
        Path env = Files.createDirectories(tmp.resolve("env"));
        Path module = Files.createDirectories(tmp.resolve("repo/toolkit-core"));
        Path shared = Files.createDirectories(tmp.resolve("shared/datasets"));

        assertEquals(prop, DataDirectory.resolve(prop.toString(), env.toString(), module).root());
        assertEquals(env, DataDirectory.resolve(null, env.toString(), module).root());
        assertEquals(env, DataDirectory.resolve("  ", env.toString(), module).root());
        // ../../shared/datasets from a module directory
        DataDirectory fromModule = DataDirectory.resolve(null, null, module);
        assertEquals(shared, fromModule.root());
        assertTrue(fromModule.source().contains("default"));
        // ../shared/datasets from the repository root wins over ../../
        assertEquals(shared, DataDirectory.resolve(null, null, tmp.resolve("repo")).root());
    }

    @Test
    void missingConfiguredDirectoryFailsInsteadOfFallingBack() {
        Path missing = tmp.resolve("nothing-here");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataDirectory.resolve(missing.toString(), null, tmp));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("toolkit.data"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataDirectory.of(missing));
    }

    @Test
    void nothingFoundExplainsHowToSetIt() throws IOException {
        Path deep = Files.createDirectories(tmp.resolve("a/b/c"));
        assertEquals(Optional.empty(), DataDirectory.find(null, null, deep));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DataDirectory.resolve(null, null, deep));
        assertTrue(e.getMessage().contains("TOOLKIT_DATA") && e.getMessage().contains("-Dtoolkit.data"), e.getMessage());
    }

    @Test
    void requireNamesMissingPath() throws IOException {
        Files.createDirectories(tmp.resolve("ptb"));
        Files.writeString(tmp.resolve("ptb/ptb.train.txt"), "x\n");
        DataDirectory data = DataDirectory.of(tmp);
        assertEquals(tmp.resolve("ptb/ptb.train.txt"), data.require("ptb/ptb.train.txt"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> data.require("ptb/ptb.test.txt"));
        assertTrue(e.getMessage().contains("ptb.test.txt") && e.getMessage().contains("TOOLKIT_DATA"), e.getMessage());
    }

    @Test
    void sharedDatasetsAreFoundFromTheModuleDirectory() throws IOException {
        Optional<DataDirectory> data = DataDirectory.find();
        Assumptions.assumeTrue(data.isPresent(), "no shared datasets on this machine");
        Path file = data.get().require("timemachine/timemachine.txt");
        assertEquals(178979, Files.size(file));
    }
}
