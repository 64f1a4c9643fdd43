package dev.seqtoolkit.summarize;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Documents a tiny extractor learns in seconds: 3-6 sentences of filler words, one of which holds
 * the marker word; the reference summary is that sentence.
 */
public final class SyntheticNews {
    public static final String MARKER = "zebra";
    static final List<String> FILL = List.of("the", "council", "said", "on", "monday", "a", "report", "new", "city",
            "plan", "was", "and", "its", "people", "road");

    private SyntheticNews() {}

    /** {@code n} examples; ids "synthetic:1".. */
    public static List<SummaryExample> documents(int n, long seed) {
        Random r = new Random(seed);
        List<SummaryExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int sentences = 3 + r.nextInt(4);
            int marker = r.nextInt(sentences);
            StringBuilder doc = new StringBuilder();
            String summary = null;
            for (int s = 0; s < sentences; s++) {
                List<String> words = filler(r, 4 + r.nextInt(5));
                if (s == marker) {
                    words.add(r.nextInt(words.size() + 1), MARKER);
                }
                String sentence = capitalised(String.join(" ", words)) + " .";
                if (s == marker) {
                    summary = sentence;
                }
                doc.append(s == 0 ? "" : " ").append(sentence);
            }
            out.add(new SummaryExample("synthetic:" + (i + 1), doc.toString(), summary));
        }
        return out;
    }

    private static List<String> filler(Random r, int n) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            words.add(FILL.get(r.nextInt(FILL.size())));
        }
        return words;
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
