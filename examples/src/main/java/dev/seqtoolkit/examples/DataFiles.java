package dev.seqtoolkit.examples;

import dev.seqtoolkit.core.data.DataDirectory;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Resolves a file argument: an existing path as given, else a path under the data directory. */
final class DataFiles {
    private DataFiles() {}

    static Path resolve(Path dataDir, String file) throws NoSuchFileException {
        Path given = Path.of(file);
        if (Files.exists(given)) {
            return given;
        }
        DataDirectory directory = dataDir != null ? DataDirectory.of(dataDir) : DataDirectory.resolve();
        return directory.require(file);
    }
}
