package dev.seqtoolkit.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three readers on small hand-written files, including every kind of broken input. */
class SummaryDataTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private Path gzip(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message lacks '" + part + "': " + e.getMessage());
        }
    }

    // ------------------------------------------------------------ SAMSum

    static final String SAMSUM = "id,dialogue,summary\n"
            + "13818513,\"Amanda: I baked  cookies. Do you want some?\n"
            + "Jerry: Sure!\n"
            + "Amanda: I'll bring you tomorrow :-)\",Amanda baked cookies and will bring Jerry some tomorrow.\n"
            + "13728867,\"Olivia: Who are you voting for in this election? \n"
            + "Oliver: Liberals as always.\n"
            + "\n"
            + "Olivia: Me too!!\",\"Olivia and Olivier are voting for liberals, \"\"as always\"\".\"\n"
            + "13681000-1,Tim: hi,Tim says hi.\n";

    @Test
    void samsumKeepsOneTurnPerLineAndUnquotesRfc4180Fields() throws IOException {
        List<SummaryExample> rows = SummaryData.readSamsum(write("s.csv", SAMSUM));
        assertEquals(3, rows.size());
        assertEquals(new SummaryExample("13818513",
                "Amanda: I baked  cookies. Do you want some?\nJerry: Sure!\nAmanda: I'll bring you tomorrow :-)",
                "Amanda baked cookies and will bring Jerry some tomorrow."), rows.get(0));
        // the blank line inside the quoted dialogue is dropped, trailing spaces stripped, "" unescaped
        assertEquals("Olivia: Who are you voting for in this election?\nOliver: Liberals as always.\nOlivia: Me too!!",
                rows.get(1).document());
        assertEquals("Olivia and Olivier are voting for liberals, \"as always\".", rows.get(1).summary());
        assertEquals("13681000-1", rows.get(2).id());
        assertEquals(3, Dialogue.parse(rows.get(0).document()).turns().size());
    }

    @Test
    void samsumNormalisesCrlfAndReadsGzip() throws IOException {
        List<SummaryExample> plain = SummaryData.readSamsum(write("s.csv", SAMSUM));
        List<SummaryExample> crlf = SummaryData.readSamsum(gzip("s.csv.gz", SAMSUM.replace("\n", "\r\n")));
        assertEquals(plain, crlf);
        assertTrue(crlf.get(0).document().indexOf('\r') < 0);
    }

    @Test
    void unterminatedQuoteNamesTheLineWhereTheRowStarts() throws IOException {
        // The row of id 2 starts on physical line 4 (row 1 spans lines 2-3); its dialogue's quote
        // never closes, so the parser runs to the end of the file.
        Path file = write("broken.csv", "id,dialogue,summary\n"
                + "1,\"A: hi\nB: hello\",They greet.\n"
                + "2,\"A: where are you?\nB: home,B is home.\n"
                + "3,A: ok,Fine.\n");
        IOException e = assertThrows(IOException.class, () -> SummaryData.readSamsum(file));
        assertMessage(e, file.toString(), ":4:", "row starting at line 4", "broken quoting");
    }

    @Test
    void quoteClosedByTheNextRowsQuoteIsStillBlamedOnTheBrokenRow() throws IOException {
        // Row 2 (line 3) opens a quote that the quote of row 3 closes; then text follows a closing
        // quote, which RFC 4180 forbids.
        Path file = write("b.csv", "id,dialogue,summary\n1,A: hi,Hi.\n2,\"A: x,Y.\n3,\"A: z\",Z.\n");
        IOException e = assertThrows(IOException.class, () -> SummaryData.readSamsum(file));
        assertMessage(e, file + ":3:", "row starting at line 3");
    }

    @Test
    void strayQuoteInAnUnquotedFieldIsRejected() throws IOException {
        Path file = write("stray.csv", "id,dialogue,summary\n1,\"A: a\nB: b\",S.\n2,A: say \"hi\",She says hi.\n");
        IOException e = assertThrows(IOException.class, () -> SummaryData.readSamsum(file));
        assertMessage(e, file + ":4:", "stray quote", "field 2");
    }

    @Test
    void wrongColumnCountNamesTheLine() throws IOException {
        Path file = write("cols.csv", "id,dialogue,summary\n1,A: hi,Hi.\n\n2,A: hi,Hi.,extra\n");
        IOException e = assertThrows(IOException.class, () -> SummaryData.readSamsum(file));
        assertMessage(e, file + ":4:", "4 fields", "has 3");
        Path two = write("two.csv", "id,dialogue,summary\n1,A: hi\n");
        assertMessage(assertThrows(IOException.class, () -> SummaryData.readSamsum(two)), two + ":2:", "2 fields");
    }

    @Test
    void headerDuplicateIdsEmptySummaryAndSpeakerlessDialogueAreRejected() throws IOException {
        Path header = write("h.csv", "id,text,summary\n1,A: hi,Hi.\n");
        assertMessage(assertThrows(IOException.class, () -> SummaryData.readSamsum(header)), header + ":1:", "header");
        Path dup = write("d.csv", "id,dialogue,summary\n7,A: hi,Hi.\n7,B: yo,Yo.\n");
        assertMessage(assertThrows(IOException.class, () -> SummaryData.readSamsum(dup)), dup + ":3:", "id 7", "line 2");
        Path empty = write("e.csv", "id,dialogue,summary\n7,A: hi,\"  \"\n");
        assertMessage(assertThrows(IOException.class, () -> SummaryData.readSamsum(empty)), ":2:", "empty summary", "7");
        // A dialogue with no speaker line in a SAMSum file means a broken row: rejected, naming the id.
        Path noSpeaker = write("n.csv", "id,dialogue,summary\n1,A: hi,Hi.\n42,\"hello there\nhow are you\",Greeting.\n");
        IOException e = assertThrows(IOException.class, () -> SummaryData.readSamsum(noSpeaker));
        assertMessage(e, noSpeaker + ":3:", "id 42", "no 'Speaker: text' line");
        Path none = write("none.csv", "");
        assertMessage(assertThrows(IOException.class, () -> SummaryData.readSamsum(none)), "empty file");
    }

    @Test
    void excludedIdsAreDroppedAndCounted() throws IOException {
        Path ids = write("ids.txt", "13728867\n\n  999  \n");
        Set<String> exclude = SummaryData.readIds(ids);
        assertEquals(Set.of("13728867", "999"), exclude);
        SummaryData.ReadResult r = SummaryData.loadSamsum(write("s.csv", SAMSUM), exclude);
        assertEquals(3, r.rowsRead());
        assertEquals(1, r.excluded());
        assertEquals(List.of("13818513", "13681000-1"), r.examples().stream().map(SummaryExample::id).toList());
        assertEquals(r.examples(), SummaryData.readSamsum(write("s2.csv", SAMSUM), exclude));
    }

    @Test
    void invalidUtf8NamesFileAndLine() throws IOException {
        Path file = dir.resolve("bad.csv");
        byte[] head = "id,dialogue,summary\n1,A: caf".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + 4];
        System.arraycopy(head, 0, all, 0, head.length);
        all[head.length] = (byte) 0xE9; // Latin-1 é
        all[head.length + 1] = ',';
        all[head.length + 2] = 'X';
        all[head.length + 3] = '\n';
        Files.write(file, all);
        assertMessage(assertThrows(IOException.class, () -> SummaryData.readSamsum(file)), file.toString(), "line 2");
    }

    // ------------------------------------------------------------ CNN/DailyMail

    @Test
    void cnndmHighlightsBecomeOneLineEach() throws IOException {
        Path file = gzip("val.jsonl.gz",
                "{\"id\": 12730, \"article\": \"`` hi , '' he said . it 's n't over !\", \"highlights\": [\"he said hi .\", \" it is not over . \"]}\n"
                        + "\n"
                        + "{\"id\": 5, \"article\": \"\", \"highlights\": [], \"extra\": 1}\n");
        List<SummaryExample> rows = SummaryData.readCnndm(file);
        assertEquals(List.of(new SummaryExample("12730", "`` hi , '' he said . it 's n't over !", "he said hi .\nit is not over ."),
                new SummaryExample("5", "", "")), rows);
    }

    @Test
    void cnndmFormatErrorsNameFileLineAndField() throws IOException {
        Path notJson = gzip("a.jsonl.gz", "{\"id\": 1, \"article\": \"a\", \"highlights\": [\"b\"]}\n{\"id\": 2, \"article\"\n");
        assertMessage(assertThrows(IOException.class, () -> SummaryData.readCnndm(notJson)), notJson + ":2:", "not valid JSON");
        Path missing = write("b.jsonl", "{\"id\": 1, \"highlights\": [\"b\"]}\n");
        assertMessage(assertThrows(IOException.class, () -> SummaryData.readCnndm(missing)), missing + ":1:", "\"article\"");
        Path badHighlight = write("c.jsonl", "{\"id\": 1, \"article\": \"a\", \"highlights\": \"b\"}\n");
        assertMessage(assertThrows(IOException.class, () -> SummaryData.readCnndm(badHighlight)), ":1:", "\"highlights\"");
        Path dup = write("d.jsonl", "{\"id\": 1, \"article\": \"a\", \"highlights\": []}\n{\"id\": 1, \"article\": \"b\", \"highlights\": []}\n");
        assertMessage(assertThrows(IOException.class, () -> SummaryData.readCnndm(dup)), dup + ":2:", "id 1", "line 1");
    }

    // ------------------------------------------------------------ Gigaword

    @Test
    void gigawordNormalisesUnknownAndDropsExactDuplicatePairs() throws IOException {
        Path articles = write("x.article.txt", "a UNK b\n<unk> c d\na UNK b\na <unk> b\nthe UNKNOWN unk\n");
        Path titles = write("x.title.txt", "t1\nt <unk>\nt1\nt1\nt3 UNK\n");
        SummaryData.ReadResult r = SummaryData.loadGigaword(articles, titles);
        // line 3 repeats line 1 exactly; line 4 equals line 1 once UNK and <unk> are one spelling
        assertEquals(5, r.rowsRead());
        assertEquals(2, r.duplicates());
        assertEquals(List.of(new SummaryExample("1", "a <unk> b", "t1"), new SummaryExample("2", "<unk> c d", "t <unk>"),
                new SummaryExample("5", "the UNKNOWN unk", "t3 <unk>")), r.examples());
        assertEquals(r.examples(), SummaryData.readGigaword(articles, titles));
        assertEquals("<unk>", SummaryData.UNKNOWN);
    }

    @Test
    void gigawordWithMismatchedLineCountsNamesBothFilesAndCounts() throws IOException {
        Path articles = write("y.article.txt", "a\nb\nc\n");
        Path titles = write("y.title.txt", "t\nu\n");
        IOException e = assertThrows(IOException.class, () -> SummaryData.readGigaword(articles, titles));
        assertMessage(e, articles.toString(), titles.toString(), "3 lines", "2 lines");
    }
}
