package dev.seqtoolkit.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.seqtoolkit.core.data.DataDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CharTokenizerTest {

    @Test
    void cleanLineMatchesTheBookRegex() {
        assertEquals("the time machine by h g wells",
                CharTokenizer.cleanLine("The Time Machine, by H. G. Wells [1898]"));
        assertEquals("", CharTokenizer.cleanLine("  1898 -- ! "));
        assertEquals("i said", CharTokenizer.cleanLine("\"I said,\"  "));
        assertEquals("na ve", CharTokenizer.cleanLine("na\u00efve"));
    }

    @Test
    void linesAreConcatenatedWithoutSeparator() {
        CharTokenizer t = CharTokenizer.lettersAndSpace();
        assertEquals(List.of("a", "b", " ", "c", "d", "e"), t.tokenize("ab, c\r\n\n  D!\ne"));
    }

    @Test
    void keepAllRoundTripsIncludingSurrogatePairs() {
        CharTokenizer t = CharTokenizer.keepAll();
        String text = "Hi,\n\u00e9\uD83D\uDE00!";
        List<String> tokens = t.tokenize(text);
        assertEquals(7, tokens.size());
        assertEquals("\uD83D\uDE00", tokens.get(5));
        assertEquals(text, t.detokenize(tokens));
    }

    @Test
    void timeMachineHasTheBookCorpusSize() throws IOException {
        Optional<DataDirectory> data = DataDirectory.find();
        Assumptions.assumeTrue(data.isPresent() && data.get().exists("timemachine/timemachine.txt"),
                "time machine dataset not available");
        Path file = data.get().require("timemachine/timemachine.txt");
        List<String> tokens = CharTokenizer.lettersAndSpace().tokenize(TextFiles.readString(file));
        // d2l: len(corpus) == 170580 with 26 letters plus space (28 with <unk>)
        assertEquals(170580, tokens.size());
        Set<String> distinct = new HashSet<>(tokens);
        assertEquals(27, distinct.size());
    }
}
