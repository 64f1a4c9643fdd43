package dev.seqtoolkit.summarize;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import dev.seqtoolkit.core.text.TextFiles;
import dev.seqtoolkit.core.text.Vocabulary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Readers of the summarization corpora into {@link SummaryExample}s. All files are read as strict
 * UTF-8 ({@code core.text.TextFiles}: a bad byte fails naming file and line), gzip-compressed when
 * the name ends in {@code .gz}. Every format error fails with an {@link IOException} whose message
 * starts with {@code file:line:}. Line breaks in the returned text are {@code \n}.
 *
 * <p>The readers keep whole documents: there is no length bound here (a 50,000-word article is
 * read as it is). Models bound their input through {@code core.hierarchy.DocumentLimits}, and the
 * baselines only read the prefix they return.
 *
 * <ul>
 *   <li>{@link #readSamsum SAMSum} CSV: RFC 4180 read with Jackson CSV; the dialogue keeps one
 *       turn per line.
 *   <li>{@link #readCnndm CNN/DailyMail} JSON Lines: the tokenized article as it is, the highlights
 *       one per line as the summary.
 *   <li>{@link #readGigaword Gigaword} parallel article/title lines, with the unknown-word marker
 *       normalised and exact duplicate pairs dropped.
 * </ul>
 * The {@code load*} variants return a {@link ReadResult} that also counts what was dropped.
 */
public final class SummaryData {

    /**
     * The one spelling of the unknown-word marker after {@link #normalizeUnknown}: {@value}, which
     * is also {@link Vocabulary#UNK}, so the corpora's unknown words map to the vocabulary's
     * unknown id. (The Rush et al. files write {@code <unk>}, the TFDS sample writes {@code UNK}.)
     */
    public static final String UNKNOWN = Vocabulary.UNK;

    /** The header a SAMSum CSV must have. */
    public static final List<String> SAMSUM_HEADER = List.of("id", "dialogue", "summary");

    private static final Pattern UNKNOWN_TOKEN = Pattern.compile("(?<=^|\\s)(?:UNK|<unk>)(?=\\s|$)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SummaryData() {}

    /**
     * Examples as read, with what the reader dropped.
     *
     * @param examples the examples kept, in file order
     * @param rowsRead the rows (pairs, records) read from the file(s), before dropping
     * @param excluded rows dropped because their id was in the exclusion set
     * @param duplicates rows dropped because an identical (document, summary) pair came earlier
     */
    public record ReadResult(List<SummaryExample> examples, int rowsRead, int excluded, int duplicates) {
        /** Copies the list and checks that the counts add up. */
        public ReadResult {
            examples = List.copyOf(examples);
            if (rowsRead != examples.size() + excluded + duplicates) {
                throw new IllegalArgumentException("counts do not add up: " + rowsRead + " read != "
                        + examples.size() + " kept + " + excluded + " excluded + " + duplicates + " duplicates");
            }
        }
    }

    // ------------------------------------------------------------------ SAMSum

    /**
     * Reads a SAMSum CSV ({@code .csv} or {@code .csv.gz}), keeping every row.
     *
     * @see #loadSamsum(Path, Set)
     */
    public static List<SummaryExample> readSamsum(Path csv) throws IOException {
        return loadSamsum(csv, Set.of()).examples();
    }

    /**
     * Reads a SAMSum CSV, dropping the rows whose id is in {@code excludeIds} (e.g. {@link
     * #readIds} of {@code samsum/train_ids_overlapping_heldout.txt}).
     *
     * @see #loadSamsum(Path, Set)
     */
    public static List<SummaryExample> readSamsum(Path csv, Set<String> excludeIds) throws IOException {
        return loadSamsum(csv, excludeIds).examples();
    }

    /**
     * Reads a SAMSum CSV: header {@code id,dialogue,summary}, RFC 4180 quoting (fields with commas,
     * quotes or line breaks are quoted; a quote inside is doubled), read with Jackson CSV.
     *
     * <ul>
     *   <li>{@code \r\n} and lone {@code \r} become {@code \n}. Blank lines between rows are
     *       skipped.
     *   <li>The dialogue keeps one turn per line: its non-blank lines, each stripped, joined by
     *       {@code \n}. The summary is stripped the same way (its rare line breaks are kept).
     *   <li>Fails, naming the file and the physical line where the offending row starts: an
     *       unterminated quoted field, a quote inside an unquoted field or text after a closing
     *       quote; a row with other than 3 fields; an empty id; an id seen before (with both
     *       lines); an empty summary; a dialogue with no {@code Speaker: text} line (see {@link
     *       Dialogue}), which in this format means a broken row.
     * </ul>
     *
     * @param csv the file
     * @param excludeIds ids of rows to drop (counted in {@link ReadResult#excluded()})
     * @return the examples and counts
     * @throws IOException if the file is missing, not UTF-8 or not valid as described
     */
    public static ReadResult loadSamsum(Path csv, Set<String> excludeIds) throws IOException {
        Objects.requireNonNull(csv, "csv");
        Objects.requireNonNull(excludeIds, "excludeIds");
        String text = TextFiles.readString(csv).replace("\r\n", "\n").replace('\r', '\n');
        List<SummaryExample> out = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        int rows = 0;
        int excluded = 0;
        long rowLine = 1;
        List<String> fields = new ArrayList<>();
        boolean header = true;
        try (JsonParser parser = new CsvMapper().getFactory().createParser(text)) {
            JsonToken token;
            while ((token = nextToken(parser, csv, rowLine)) != null) {
                if (token == JsonToken.START_ARRAY) {
                    rowLine = parser.currentLocation().getLineNr();
                    fields.clear();
                } else if (token == JsonToken.VALUE_STRING) {
                    String value = parser.getText();
                    JsonLocation at = parser.currentTokenLocation();
                    if (fields.isEmpty()) {
                        rowLine = at.getLineNr();
                    }
                    long offset = at.getCharOffset();
                    if (value.indexOf('"') >= 0 && offset >= 0 && offset < text.length()
                            && text.charAt((int) offset) != '"') {
                        throw new IOException(csv + ":" + rowLine + ": stray quote in unquoted field "
                                + (fields.size() + 1) + " (\"" + abbreviate(value) + "\") of the row starting at line "
                                + rowLine + "; RFC 4180 needs the field quoted and the quote doubled");
                    }
                    fields.add(value);
                } else if (token == JsonToken.END_ARRAY) {
                    if (fields.size() == 1 && fields.get(0).isBlank()) {
                        continue; // blank line
                    }
                    if (header) {
                        if (!fields.equals(SAMSUM_HEADER)) {
                            throw new IOException(csv + ":" + rowLine + ": header is " + fields
                                    + " but a SAMSum file needs " + String.join(",", SAMSUM_HEADER));
                        }
                        header = false;
                        continue;
                    }
                    rows++;
                    SummaryExample e = samsumRow(csv, rowLine, fields, seen);
                    if (excludeIds.contains(e.id())) {
                        excluded++;
                    } else {
                        out.add(e);
                    }
                }
            }
        }
        if (header) {
            throw new IOException(csv + ":1: empty file; a SAMSum file needs the header "
                    + String.join(",", SAMSUM_HEADER));
        }
        return new ReadResult(out, rows, excluded, 0);
    }

    private static JsonToken nextToken(JsonParser parser, Path csv, long rowLine) throws IOException {
        try {
            return parser.nextToken();
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new IOException(csv + ":" + rowLine + ": broken quoting in the row starting at line " + rowLine
                    + " (" + e.getOriginalMessage()
                    + (where == null ? "" : ", detected at line " + where.getLineNr() + " column " + where.getColumnNr())
                    + "); an unterminated quoted field runs on to a later quote or the end of the file", e);
        }
    }

    private static SummaryExample samsumRow(Path csv, long line, List<String> fields, Map<String, Long> seen)
            throws IOException {
        if (fields.size() != SAMSUM_HEADER.size()) {
            throw new IOException(csv + ":" + line + ": row has " + fields.size() + " fields but the header "
                    + String.join(",", SAMSUM_HEADER) + " has " + SAMSUM_HEADER.size()
                    + " (starts \"" + abbreviate(String.join(",", fields)) + "\")");
        }
        String id = fields.get(0).strip();
        if (id.isEmpty()) {
            throw new IOException(csv + ":" + line + ": empty id");
        }
        Long before = seen.putIfAbsent(id, line);
        if (before != null) {
            throw new IOException(csv + ":" + line + ": id " + id + " already used by the row at line " + before);
        }
        String dialogue = nonBlankLines(fields.get(1));
        if (!Dialogue.parse(dialogue).hasSpeakers()) {
            throw new IOException(csv + ":" + line + ": dialogue of id " + id
                    + " has no 'Speaker: text' line (is a column shifted?): \"" + abbreviate(dialogue) + "\"");
        }
        String summary = nonBlankLines(fields.get(2));
        if (summary.isEmpty()) {
            throw new IOException(csv + ":" + line + ": empty summary for id " + id);
        }
        return new SummaryExample(id, dialogue, summary);
    }

    /**
     * Reads a list of ids, one per line (blank lines skipped, whitespace stripped), such as {@code
     * samsum/train_ids_overlapping_heldout.txt}: the 93 SAMSum training rows whose dialogue also
     * occurs in validation or test, which its README says to drop.
     *
     * @param file the id file
     * @return the ids in file order
     * @throws IOException if the file cannot be read
     */
    public static Set<String> readIds(Path file) throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        TextFiles.forEachLine(file, (number, line) -> {
            String id = line.strip();
            if (!id.isEmpty()) {
                ids.add(id);
            }
        });
        return ids;
    }

    // ------------------------------------------------------------------ CNN/DailyMail

    /**
     * Reads CNN/DailyMail JSON Lines ({@code {"id": int, "article": str, "highlights": [str]}}, one
     * object per line, usually gzip). The article is kept as it is: it is already lowercased and
     * PTB-tokenized, a single line without sentence marks (split it with {@link
     * DocumentFormat#TOKENIZED}). The summary is the highlights, stripped, one per line. Blank lines
     * are skipped; other fields are ignored.
     *
     * @param jsonl the file
     * @return the examples, id = the record's id as text
     * @throws IOException if a line is not a JSON object with a numeric or text {@code id}, a text
     *     {@code article} and an array of texts {@code highlights} (the message names file, line
     *     and field), or an id repeats
     */
    public static List<SummaryExample> readCnndm(Path jsonl) throws IOException {
        Objects.requireNonNull(jsonl, "jsonl");
        List<SummaryExample> out = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        TextFiles.forEachLine(jsonl, (number, line) -> {
            if (line.isBlank()) {
                return;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IOException(jsonl + ":" + number + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
            }
            if (node == null || !node.isObject()) {
                throw new IOException(jsonl + ":" + number + ": expected a JSON object, found \"" + abbreviate(line) + "\"");
            }
            JsonNode id = node.get("id");
            if (id == null || !(id.isIntegralNumber() || id.isTextual()) || id.asText().isBlank()) {
                throw new IOException(jsonl + ":" + number + ": field \"id\" must be an integer or a non-empty text, found "
                        + id);
            }
            JsonNode article = node.get("article");
            if (article == null || !article.isTextual()) {
                throw new IOException(jsonl + ":" + number + ": field \"article\" must be a text, found "
                        + (article == null ? "nothing" : article.getNodeType()));
            }
            JsonNode highlights = node.get("highlights");
            if (highlights == null || !highlights.isArray()) {
                throw new IOException(jsonl + ":" + number + ": field \"highlights\" must be an array of texts, found "
                        + (highlights == null ? "nothing" : highlights.getNodeType()));
            }
            List<String> lines = new ArrayList<>();
            for (JsonNode h : highlights) {
                if (!h.isTextual()) {
                    throw new IOException(jsonl + ":" + number + ": a highlight must be a text, found " + h.getNodeType());
                }
                String one = h.asText().strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
                if (!one.isEmpty()) {
                    lines.add(one);
                }
            }
            String key = id.asText();
            Long before = seen.putIfAbsent(key, number);
            if (before != null) {
                throw new IOException(jsonl + ":" + number + ": id " + key + " already used at line " + before);
            }
            out.add(new SummaryExample(key, article.asText(), String.join("\n", lines)));
        });
        return out;
    }

    // ------------------------------------------------------------------ Gigaword

    /**
     * Reads Gigaword headline pairs, dropping exact duplicates.
     *
     * @see #loadGigaword(Path, Path)
     */
    public static List<SummaryExample> readGigaword(Path articles, Path titles) throws IOException {
        return loadGigaword(articles, titles).examples();
    }

    /**
     * Reads Gigaword headline pairs: line {@code i} of {@code articles} (the article's first
     * sentence, tokenized) pairs with line {@code i} of {@code titles}. Both sides have the unknown
     * marker normalised to {@value #UNKNOWN} ({@link #normalizeUnknown}); then a pair identical to an
     * earlier pair (after normalisation) is dropped and counted in {@link ReadResult#duplicates()}.
     * The id of an example is its 1-based line number.
     *
     * @param articles the article file
     * @param titles the title file
     * @return the examples and counts
     * @throws IOException if a file cannot be read, or if the line counts differ (the message names
     *     both files and both counts)
     */
    public static ReadResult loadGigaword(Path articles, Path titles) throws IOException {
        TextFiles.Parallel pairs = TextFiles.readParallel(articles, titles);
        List<SummaryExample> out = new ArrayList<>(pairs.size());
        Set<List<String>> seen = new HashSet<>();
        int duplicates = 0;
        for (int i = 0; i < pairs.size(); i++) {
            String article = normalizeUnknown(pairs.source().get(i).strip());
            String title = normalizeUnknown(pairs.target().get(i).strip());
            if (seen.add(List.of(article, title))) {
                out.add(new SummaryExample(Integer.toString(i + 1), article, title));
            } else {
                duplicates++;
            }
        }
        return new ReadResult(out, pairs.size(), 0, duplicates);
    }

    /**
     * Rewrites every whitespace-delimited token {@code UNK} or {@code <unk>} as {@value #UNKNOWN};
     * other text (e.g. {@code unk} inside a word, or lowercase {@code unk}) is untouched.
     *
     * @param text tokenized text
     * @return the text with one unknown-word spelling
     */
    public static String normalizeUnknown(String text) {
        return UNKNOWN_TOKEN.matcher(text).replaceAll(UNKNOWN);
    }

    // ------------------------------------------------------------------ helpers

    /** The non-blank lines of {@code text}, each stripped, joined by {@code \n}. */
    static String nonBlankLines(String text) {
        return String.join("\n", Sentences.turns(text));
    }

    private static String abbreviate(String s) {
        String one = s.replace("\n", "\\n");
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }
}
