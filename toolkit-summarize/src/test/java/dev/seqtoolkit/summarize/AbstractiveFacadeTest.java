package dev.seqtoolkit.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.nn.CellType;
import dev.seqtoolkit.summarize.abstractive.AbstractiveConfig;
import dev.seqtoolkit.summarize.abstractive.DecodeOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ABSTRACTIVE mode through the {@link Summarizer} facade: a config's {@code abstractive}
 * section trains a pointer-generator that copies names it never saw; the bundle loads back as the
 * same mode; lengths apply in words, and a length in sentences is refused.
 */
class AbstractiveFacadeTest {
    private static final String[] PLACES = {"park", "station", "cinema"};

    static List<SummaryExample> dialogues(Random random, int n) {
        List<SummaryExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String a = name(random);
            String b = name(random);
            String place = PLACES[random.nextInt(PLACES.length)];
            out.add(new SummaryExample("d" + i, a + ": hi " + b + ", shall we meet at the " + place + "?\n" + b
                    + ": ok, see you at the " + place + ".", a + " and " + b + " meet at the " + place + "."));
        }
        return out;
    }

    private static String name(Random random) {
        StringBuilder b = new StringBuilder().append((char) ('A' + random.nextInt(26)));
        for (int i = 0; i < 5; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    @Test
    void trainsSummarizesSavesAndLoadsTheAbstractiveMode(@TempDir Path dir) throws IOException {
        AbstractiveConfig abstractive = AbstractiveConfig.defaults()
                .withText(new AbstractiveConfig.Text(true, true, 40, 20, 200, 2))
                .withModel(new AbstractiveConfig.Model(16, 24, 32, 16, CellType.LSTM, true, true, 1f, 0f, 0))
                .withTraining(new AbstractiveConfig.Training(4, 16, 0.01f, 1f, 2, 5))
                .withDecoding(new DecodeOptions(1, 0, 20, 0.0, true, 8));
        SummarizerConfig config = SummarizerConfig.fromJsonTree(SummarizerConfig.JSON.createObjectNode()
                .put("mode", "ABSTRACTIVE").set("abstractive", (ObjectNode) abstractive.toJsonTree()), "test");
        List<SummaryExample> test = dialogues(new Random(3), 20);
        List<String> documents = test.stream().map(SummaryExample::document).toList();
        try (Summarizer summarizer = Summarizer.train(config, dialogues(new Random(1), 320),
                dialogues(new Random(2), 20), TrainingOptions.builder().optProgressBar(false).build())) {
            assertEquals(SummarizerConfig.Mode.ABSTRACTIVE, summarizer.config().mode());
            assertTrue(summarizer.extractive().isEmpty());
            List<Summary> summaries = summarizer.summarize(documents);
            int exact = 0;
            for (int i = 0; i < test.size(); i++) {
                exact += summaries.get(i).text().equals(test.get(i).summary().toLowerCase(java.util.Locale.ROOT)) ? 1 : 0;
            }
            assertTrue(exact >= 14, "exact summaries " + exact + "/20: " + summaries);
            List<Summary> short3 = summarizer.summarize(documents, SummaryLength.words(3));
            for (Summary s : short3) {
                assertTrue(s.text().split(" ").length <= 3, s.text());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> summarizer.summarize(documents, SummaryLength.sentences(2)));
            assertTrue(e.getMessage().contains("in words"), e.getMessage());
            assertTrue(summarizer.summarize("").isEmpty());
            summarizer.save(dir.resolve("model"));
            try (Summarizer loaded = Summarizer.load(dir.resolve("model"))) {
                assertEquals(SummarizerConfig.Mode.ABSTRACTIVE, loaded.config().mode());
                assertEquals(summaries, loaded.summarize(documents));
            }
        }
    }
}
