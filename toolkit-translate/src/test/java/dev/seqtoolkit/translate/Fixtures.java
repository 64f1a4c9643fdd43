package dev.seqtoolkit.translate;

import dev.seqtoolkit.core.data.DataDirectory;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** Shared test data: a tiny synthetic parallel corpus and the Multi30k directory when present. */
final class Fixtures {
    static final String[] NOUNS = {"dog", "cat", "man", "woman", "child", "horse", "bird", "boy", "girl", "car"};
    static final String[] VERBS = {"runs", "sleeps", "jumps", "eats", "sings", "walks"};
    static final String[] GERMAN_NOUNS = {"Hund", "Katze", "Mann", "Frau", "Kind", "Pferd", "Vogel", "Junge", "Mädchen", "Auto"};
    static final String[] GERMAN_VERBS = {"rennt", "schläft", "springt", "isst", "singt", "geht"};

    private static volatile TranslationPipeline copyPipeline;

    private Fixtures() {}

    /** {@code n} sentence pairs "A dog runs ." / "Ein Hund rennt ." from a fixed seed. */
    static List<String[]> pairs(int n, long seed) {
        Random random = new Random(seed);
        List<String[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int a = random.nextInt(NOUNS.length);
            int v = random.nextInt(VERBS.length);
            out.add(new String[] {"A " + NOUNS[a] + " " + VERBS[v] + ".", "Ein " + GERMAN_NOUNS[a] + " " + GERMAN_VERBS[v] + "."});
        }
        return out;
    }

    static List<String> side(List<String[]> pairs, int side) {
        List<String> out = new ArrayList<>(pairs.size());
        for (String[] p : pairs) {
            out.add(p[side]);
        }
        return out;
    }

    /**
     * A pipeline whose target side equals its source side (a copy task), so {@link CopyModel}
     * translates a sentence into itself. Built once (CoreNLP takes a moment to start).
     */
    static TranslationPipeline copyPipeline() {
        TranslationPipeline p = copyPipeline;
        if (p == null) {
            synchronized (Fixtures.class) {
                if (copyPipeline == null) {
                    List<String> english = side(pairs(200, 1), 0);
                    english.add("The quick brown fox jumps over the lazy dog, doesn't it?");
                    copyPipeline = TranslationPipeline.learn(english, english,
                            new TranslatorConfig.Pipeline(60, true, false, 1, 0, 256));
                }
                p = copyPipeline;
            }
        }
        return p;
    }

    static Translator copyTranslator(TranslatorConfig.Decoding decoding) {
        TranslationPipeline p = copyPipeline();
        return Translator.builder().setPipeline(p)
                .setModel(new CopyModel(p.sourceVocabulary(), p.targetVocabulary()))
                .optConfig(TranslatorConfig.defaults().withDecoding(decoding))
                .build();
    }

    /** The Multi30k directory, or a skipped test when it is absent. */
    static Path multi30k() {
        Optional<DataDirectory> dir = DataDirectory.find();
        Assumptions.assumeTrue(dir.isPresent() && dir.get().exists("multi30k/train.en"),
                "Multi30k is not in the data directory (set -Dtoolkit.data or TOOLKIT_DATA)");
        return dir.get().resolvePath("multi30k");
    }
}
