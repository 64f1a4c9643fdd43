package dev.seqtoolkit.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seqtoolkit.core.data.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CoreNlpTokenizerTest {

    private static CoreNlpTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = CoreNlpTokenizer.create();
    }

    @Test
    void ptbSplitsButKeepsCharactersAsTyped() {
        assertEquals(List.of("A", "man", ",", "wearing", "a", "hat", ",", "is", "n't", "here", "."),
                tokenizer.tokenize("A man, wearing a hat, isn't here."));
        assertEquals(List.of("\"", "Hi", "\"", "(", "quietly", ")", "--", "re-imagining", "..."),
                tokenizer.tokenize("\"Hi\" (quietly) -- re-imagining..."));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "A man, wearing a hat, isn't here.",
        "Two young, White males are outside near many bushes.",
        "\"Hello,\" she said (quietly)... It's John's dog's ball!",
        "They can't go; we'll see: 50% of $5.00 isn't much?",
        "The dogs' owner said 'stop' and left.",
        "A little girl climbing into a wooden playhouse.",
        "He said \u201cno\u201d and I'd agree [mostly].",
    })
    void detokenizeRestoresRealSentences(String sentence) {
        assertEquals(sentence, tokenizer.detokenize(tokenizer.tokenize(sentence)));
    }

    @Test
    void splitsSentencesAsTextAndTokens() {
        String doc = "Mr. Smith went to Washington. He didn't stay long!\n\nNew paragraph here";
        assertEquals(List.of("Mr. Smith went to Washington.", "He didn't stay long!", "New paragraph here"),
                tokenizer.split(doc));
        List<List<String>> tokens = tokenizer.splitTokens(doc);
        assertEquals(3, tokens.size());
        assertEquals(List.of("He", "did", "n't", "stay", "long", "!"), tokens.get(1));
        assertEquals(List.of(), tokenizer.splitTokens("   "));
    }

    @Test
    void newlinePolicyAlwaysGivesOneSentencePerLine() {
        CoreNlpTokenizer perLine = CoreNlpTokenizer.builder()
                .optNewlinePolicy(CoreNlpTokenizer.NewlinePolicy.ALWAYS).optLowercase(true).build();
        assertEquals(List.of("a dog runs", "two cats sleep"), perLine.split("A dog runs\nTwo cats sleep"));
        assertEquals(List.of("a", "dog", "runs", "two", "cats", "sleep"),
                perLine.tokenize("A dog runs\nTwo cats sleep"));
    }

    @Test
    void splitHyphenatedOption() {
        CoreNlpTokenizer splitting = CoreNlpTokenizer.builder().optSplitHyphenated(true).build();
        assertEquals(List.of("a", "well", "-", "known", "fact"), splitting.tokenize("a well-known fact"));
        assertEquals(List.of("a", "well-known", "fact"), tokenizer.tokenize("a well-known fact"));
    }

    @Test
    void concurrentUseGivesSameResults() throws Exception {
        List<String> sentences = List.of("A man, wearing a hat, isn't here.",
                "Several men in hard hats are operating a giant pulley system.",
                "\"Hello,\" she said.", "It's 5 p.m. in the U.S. now.");
        List<List<String>> expected = sentences.stream().map(tokenizer::tokenize).collect(Collectors.toList());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        int k = i % sentences.size();
                        if (!tokenizer.tokenize(sentences.get(k)).equals(expected.get(k))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void onlyThisClassImportsCoreNlp() throws IOException {
        Path main = Path.of("src/main/java");
        Assumptions.assumeTrue(Files.isDirectory(main), "run from the module directory");
        try (Stream<Path> files = Files.walk(main)) {
            List<Path> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().equals("CoreNlpTokenizer.java"))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("edu.stanford.nlp");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .collect(Collectors.toList());
            assertEquals(List.of(), offenders);
        }
    }

    @Test
    void multi30kMostlyRoundTrips() throws IOException {
        Optional<DataDirectory> data = DataDirectory.find();
        Assumptions.assumeTrue(data.isPresent() && data.get().exists("multi30k/train.en"),
                "multi30k not available");
        List<String> lines = TextFiles.readLines(data.get().require("multi30k/train.en")).subList(0, 2000);
        List<String> failures = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.strip().replaceAll("\\s+", " ");
            if (!tokenizer.detokenize(tokenizer.tokenize(trimmed)).equals(trimmed)) {
                failures.add(trimmed);
            }
        }
        assertTrue(failures.size() <= lines.size() / 100, failures.size() + " failures, e.g. " + failures.subList(0, Math.min(5, failures.size())));
    }
}
