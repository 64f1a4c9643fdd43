package dev.seqtoolkit.sentiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Sentiment-like synthetic data a tiny model fits in seconds: one cue word decides the label. */
final class Synthetic {
    static final List<String> NEG = List.of("bad", "awful", "poor", "dull", "boring");
    static final List<String> POS = List.of("good", "great", "lovely", "superb", "fun");
    static final List<String> NEU = List.of("okay", "average", "middling");
    static final List<String> FILL = List.of("the", "movie", "was", "a", "film", "plot", "it", "and", "this", "story");

    private Synthetic() {}

    /** Sentences of 4-8 words with one cue word; labels "neg", "pos" (and "neu" if three classes). */
    static List<LabeledText> sentences(int n, long seed, boolean threeClasses) {
        Random r = new Random(seed);
        List<LabeledText> out = new ArrayList<>();
        int classes = threeClasses ? 3 : 2;
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(classes);
            out.add(new LabeledText(sentence(r, c), label(c), "synthetic:" + (i + 1)));
        }
        return out;
    }

    /** Documents of 2-4 sentences ending in " ."; one sentence carries the cue, the others are filler. */
    static List<LabeledText> documents(int n, long seed) {
        Random r = new Random(seed);
        List<LabeledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(2);
            int sentences = 2 + r.nextInt(3);
            int cue = r.nextInt(sentences);
            StringBuilder doc = new StringBuilder();
            for (int s = 0; s < sentences; s++) {
                doc.append(s == cue ? sentence(r, c) : filler(r, 3 + r.nextInt(4))).append(" . ");
            }
            out.add(new LabeledText(doc.toString().strip(), label(c), "synthetic-doc:" + (i + 1)));
        }
        return out;
    }

    static String label(int c) {
        return c == 0 ? "neg" : c == 1 ? "pos" : "neu";
    }

    private static String sentence(Random r, int c) {
        List<String> cues = c == 0 ? NEG : c == 1 ? POS : NEU;
        int length = 4 + r.nextInt(5);
        List<String> words = new ArrayList<>(List.of(filler(r, length - 1).split(" ")));
        words.add(r.nextInt(words.size() + 1), cues.get(r.nextInt(cues.size())));
        return String.join(" ", words);
    }

    private static String filler(Random r, int n) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            words.add(FILL.get(r.nextInt(FILL.size())));
        }
        return String.join(" ", words);
    }
}
