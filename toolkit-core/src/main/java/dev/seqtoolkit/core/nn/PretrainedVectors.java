package dev.seqtoolkit.core.nn;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Reads GloVe or word2vec text vectors into a {@code (vocab, dim)} matrix for a given vocabulary.
 *
 * <p>Row {@code id} is the file's vector of {@code vocabulary.get(id)} if the file has it (exact,
 * case-sensitive match; the first occurrence wins), otherwise uniform in {@code [-scale, scale)} from
 * {@code new Random(seed)}, drawn in id order (so the same vocabulary, seed and file give the same
 * matrix). {@link #DEFAULT_SCALE} is 0.1, the usual range for trainable embeddings next to GloVe's
 * typical component magnitude of a few tenths.
 *
 * <p>Bad input fails with {@link IllegalArgumentException} naming the file and the 1-based line: a
 * vector with the wrong number of values, a non-numeric or non-finite value, a malformed word2vec
 * header, a header dimension different from the expected one, or a vector count different from the
 * header's.
 */
public final class PretrainedVectors {

    public static final float DEFAULT_SCALE = 0.1f;
    private static final int MAX_EXAMPLES = 20;

    /**
     * A loaded matrix and its report.
     *
     * @param matrix row-major {@code (vocab, dim)}
     */
    public record Result(float[] matrix, int vocabularySize, int dim, PretrainedReport report) {}

    private PretrainedVectors() {}

    /**
     * @param file the vector file (UTF-8)
     * @param format GloVe or word2vec text
     * @param dim the expected vector dimension
     * @param vocabulary tokens by id
     * @param seed seed for the rows of missing tokens
     * @param scale missing rows are uniform in {@code [-scale, scale)}
     */
    public static Result read(
            Path file, VectorFormat format, int dim, List<String> vocabulary, long seed, float scale)
            throws IOException {
        if (dim <= 0) {
            throw new IllegalArgumentException("dim must be > 0, got " + dim);
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            ids.putIfAbsent(vocabulary.get(i), i);
        }
        float[] matrix = new float[vocabulary.size() * dim];
        boolean[] found = new boolean[vocabulary.size()];
        int vectors = 0;
        long declared = -1;
        int lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            if (format == VectorFormat.WORD2VEC_TEXT) {
                line = reader.readLine();
                lineNumber = 1;
                String[] header = line == null ? new String[0] : line.trim().split("\\s+");
                if (header.length != 2) {
                    throw bad(file, 1, "word2vec header must be 'count dim', got '" + line + "'");
                }
                try {
                    declared = Long.parseLong(header[0]);
                    long headerDim = Long.parseLong(header[1]);
                    if (headerDim != dim) {
                        throw bad(file, 1, "header dimension " + headerDim + " differs from expected " + dim);
                    }
                } catch (NumberFormatException e) {
                    throw bad(file, 1, "word2vec header must be 'count dim', got '" + line + "'");
                }
            }
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.trim().split(" ");
                if (parts.length - 1 != dim) {
                    throw bad(file, lineNumber,
                            "expected a word and " + dim + " values, got " + (parts.length - 1) + " values");
                }
                vectors++;
                Integer id = ids.get(parts[0]);
                if (id == null || found[id]) {
                    continue;
                }
                int offset = id * dim;
                for (int j = 0; j < dim; j++) {
                    float value;
                    try {
                        value = Float.parseFloat(parts[j + 1]);
                    } catch (NumberFormatException e) {
                        throw bad(file, lineNumber, "non-numeric value '" + parts[j + 1] + "' at position " + (j + 1));
                    }
                    if (!Float.isFinite(value)) {
                        throw bad(file, lineNumber, "non-finite value '" + parts[j + 1] + "' at position " + (j + 1));
                    }
                    matrix[offset + j] = value;
                }
                found[id] = true;
            }
        }
        if (declared >= 0 && declared != vectors) {
            throw bad(file, lineNumber, "header declares " + declared + " vectors, file has " + vectors);
        }
        Random random = new Random(seed);
        int foundCount = 0;
        List<String> examples = new ArrayList<>();
        for (int id = 0; id < found.length; id++) {
            if (found[id]) {
                foundCount++;
                continue;
            }
            if (examples.size() < MAX_EXAMPLES) {
                examples.add(vocabulary.get(id));
            }
            for (int j = 0; j < dim; j++) {
                matrix[id * dim + j] = (random.nextFloat() * 2 - 1) * scale;
            }
        }
        PretrainedReport report =
                new PretrainedReport(foundCount, found.length - foundCount, vectors, List.copyOf(examples));
        return new Result(matrix, vocabulary.size(), dim, report);
    }

    private static IllegalArgumentException bad(Path file, int line, String message) {
        return new IllegalArgumentException(file + ":" + line + ": " + message);
    }
}
