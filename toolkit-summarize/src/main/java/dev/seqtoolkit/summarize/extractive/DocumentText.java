package dev.seqtoolkit.summarize.extractive;

import dev.seqtoolkit.core.text.CoreNlpTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text to sentences and words for the extractor: CoreNLP's splitter gives each sentence's source
 * text (what a summary returns) and its tokenizer the words the model reads, lowercased if asked.
 * Sentences without any token are dropped, so sentence {@code i} here is sentence {@code i} of the
 * encoded document. Thread-safe.
 */
final class DocumentText {
    private final CoreNlpTokenizer tokenizer;
    private final boolean lowercase;

    DocumentText(boolean lowercase) {
        this.tokenizer = CoreNlpTokenizer.create();
        this.lowercase = lowercase;
    }

    /**
     * A document's sentences.
     *
     * @param sentences source text of each sentence, in order
     * @param tokens the words of each sentence (never empty)
     */
    record Prepared(List<String> sentences, List<List<String>> tokens) {
        Prepared {
            sentences = List.copyOf(sentences);
            tokens = List.copyOf(tokens);
        }

        boolean isEmpty() {
            return sentences.isEmpty();
        }
    }

    Prepared prepare(String document) {
        List<String> sentences = new ArrayList<>();
        List<List<String>> tokens = new ArrayList<>();
        for (String sentence : splitSentences(document)) {
            List<String> words = tokenizer.tokenize(sentence);
            if (words.isEmpty()) {
                continue;
            }
            if (lowercase) {
                words.replaceAll(w -> w.toLowerCase(Locale.ROOT));
            }
            sentences.add(sentence);
            tokens.add(words);
        }
        return new Prepared(sentences, tokens);
    }

    /**
     * The sentences of a reference summary: its lines when it has several (the convention of {@link
     * dev.seqtoolkit.summarize.SummaryExample}), otherwise the splitter's sentences; blank ones dropped.
     */
    List<String> referenceSentences(String summary) {
        List<String> out = new ArrayList<>();
        List<String> parts = summary.contains("\n") ? List.of(summary.split("\n")) : splitSentences(summary);
        for (String line : parts) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /** The one place sentences are split (to be replaced by the summarize package's shared splitter). */
    private List<String> splitSentences(String document) {
        return tokenizer.split(document);
    }
}
