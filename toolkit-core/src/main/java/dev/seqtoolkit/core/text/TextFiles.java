package dev.seqtoolkit.core.text;

import dev.seqtoolkit.core.io.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CoderResult;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Strict UTF-8 line reading and atomic file writing.
 *
 * <p>Lines are decoded with {@link CodingErrorAction#REPORT}: malformed or unmappable bytes fail
 * with an {@link IOException} naming the file, the 1-based line number, the byte offset inside the
 * line and the offending byte, instead of being silently replaced. Files whose name ends in
 * {@code .gz} are decompressed transparently. Line terminators are {@code \n}, {@code \r\n} and a
 * lone {@code \r} (as in {@link java.io.BufferedReader}); a UTF-8 byte order mark at the start of
 * the file is dropped. A final terminator does not create an extra empty line.
 *
 * <p>Writes go to a temporary file in the target directory which is then renamed over the target,
 * atomically where the file system allows it, so a crash never leaves a half-written file.
 */
public final class TextFiles {

    /** Consumer of one decoded line. */
    @FunctionalInterface
    public interface LineConsumer {
        /**
         * Receives a line.
         *
         * @param lineNumber the 1-based line number
         * @param line the decoded line without its terminator
         */
        void accept(long lineNumber, String line) throws IOException;
    }

    /**
     * The two sides of a sentence-aligned corpus: line {@code i} of {@code source} translates line
     * {@code i} of {@code target}.
     *
     * @param source the source-side lines
     * @param target the target-side lines, as many as the source
     */
    public record Parallel(List<String> source, List<String> target) {
        /** Copies both lists and checks they have equal size. */
        public Parallel {
            source = List.copyOf(source);
            target = List.copyOf(target);
            if (source.size() != target.size()) {
                throw new IllegalArgumentException(
                        "source has " + source.size() + " lines but target has " + target.size());
            }
        }

        /** The number of sentence pairs. */
        public int size() {
            return source.size();
        }
    }

    private TextFiles() {}

    /**
     * Reads all lines of a UTF-8 (optionally gzip-compressed) text file.
     *
     * @param file the file to read
     * @return its lines, in order
     * @throws IOException if the file is missing, unreadable or not valid UTF-8 (the message names
     *     the file and line)
     */
    public static List<String> readLines(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        forEachLine(file, (number, line) -> lines.add(line));
        return lines;
    }

    /**
     * Streams the lines of a UTF-8 (optionally gzip-compressed) text file to a consumer, without
     * holding the file in memory.
     *
     * @param file the file to read
     * @param consumer receives each line with its 1-based number
     * @return the number of lines read
     * @throws IOException if the file is missing, unreadable or not valid UTF-8
     */
    public static long forEachLine(Path file, LineConsumer consumer) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(consumer, "consumer");
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = open(file)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            byte[] chunk = new byte[1 << 16];
            long lineNumber = 0;
            boolean pending = false;
            boolean afterCr = false;
            int n;
            while ((n = in.read(chunk)) != -1) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    byte b = chunk[i];
                    if (b == '\n' && afterCr) {
                        // second half of a \r\n terminator
                        afterCr = false;
                        start = i + 1;
                        continue;
                    }
                    afterCr = false;
                    if (b == '\n' || b == '\r') {
                        line.write(chunk, start, i - start);
                        emit(file, ++lineNumber, line, decoder, consumer);
                        pending = false;
                        afterCr = b == '\r';
                        start = i + 1;
                    } else {
                        pending = true;
                    }
                }
                line.write(chunk, start, n - start);
            }
            if (pending) {
                emit(file, ++lineNumber, line, decoder, consumer);
            }
            return lineNumber;
        } catch (NoSuchFileException e) {
            throw missing(file);
        } catch (ZipException | EOFException e) {
            throw new IOException("corrupt or truncated gzip file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a sentence-aligned pair of files.
     *
     * @param source the source-side file
     * @param target the target-side file
     * @return both sides' lines
     * @throws IOException if either file cannot be read, or if their line counts differ (the
     *     message names both files and both counts)
     */
    public static Parallel readParallel(Path source, Path target) throws IOException {
        List<String> src = readLines(source);
        List<String> tgt = readLines(target);
        if (src.size() != tgt.size()) {
            throw new IOException("parallel files differ in length: " + source + " has " + src.size()
                    + " lines but " + target + " has " + tgt.size() + " lines");
        }
        return new Parallel(src, tgt);
    }

    /**
     * Writes lines as UTF-8, each followed by {@code \n}, atomically replacing {@code file} ({@link
     * AtomicFiles#write}).
     *
     * @param file the destination; a {@code .gz} name is written gzip-compressed
     * @param lines the lines to write
     * @throws IOException if writing fails (the destination is then untouched)
     */
    public static void writeLines(Path file, List<String> lines) throws IOException {
        boolean gzip = isGzip(file);
        AtomicFiles.write(file, out -> { // out is buffered
            GZIPOutputStream compressed = gzip ? new GZIPOutputStream(out, 1 << 16) : null;
            OutputStream target = gzip ? compressed : out;
            for (String line : lines) {
                target.write(line.getBytes(StandardCharsets.UTF_8));
                target.write('\n');
            }
            if (gzip) {
                compressed.finish();
            }
        });
    }

    /**
     * Reads a whole (small) file as strict UTF-8, transparently gunzipped.
     *
     * @throws IOException if the file is missing or not valid UTF-8 (naming file and line)
     */
    public static String readString(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = open(file)) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw missing(file);
        } catch (ZipException | EOFException e) {
            throw new IOException("corrupt or truncated gzip file " + file + ": " + e.getMessage(), e);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer input = ByteBuffer.wrap(bytes);
        CharBuffer output = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(input, output, true);
        if (!result.isError()) {
            result = decoder.flush(output);
        }
        if (result.isError()) {
            int offset = input.position();
            long line = 1;
            int lineStart = 0;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new IOException(String.format(
                    "invalid UTF-8 in %s at line %d, byte %d of the line (0x%02X)", file, line,
                    offset - lineStart + 1, bytes[offset] & 0xFF));
        }
        output.flip();
        return output.toString();
    }

    private static NoSuchFileException missing(Path file) {
        return new NoSuchFileException(file.toString(), null, "file not found");
    }

    static boolean isGzip(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().endsWith(".gz");
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        InputStream in = isGzip(file) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        in.mark(3);
        byte[] bom = in.readNBytes(3);
        if (!(bom.length == 3 && (bom[0] & 0xFF) == 0xEF && (bom[1] & 0xFF) == 0xBB
                && (bom[2] & 0xFF) == 0xBF)) {
            in.reset();
        }
        return in;
    }

    private static void emit(Path file, long lineNumber, ByteArrayOutputStream buffer,
            CharsetDecoder decoder, LineConsumer consumer) throws IOException {
        byte[] bytes = buffer.toByteArray();
        buffer.reset();
        String line;
        if (isAscii(bytes)) {
            line = new String(bytes, StandardCharsets.ISO_8859_1);
        } else {
            ByteBuffer input = ByteBuffer.wrap(bytes);
            try {
                decoder.reset();
                line = decoder.decode(input).toString();
            } catch (CharacterCodingException e) {
                int offset = input.position();
                throw new IOException(String.format(
                        "invalid UTF-8 in %s at line %d, byte %d of the line (0x%02X)", file, lineNumber,
                        offset + 1, bytes[Math.min(offset, bytes.length - 1)] & 0xFF), e);
            }
        }
        consumer.accept(lineNumber, line);
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
