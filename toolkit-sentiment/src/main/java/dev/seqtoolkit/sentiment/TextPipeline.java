package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.hierarchy.DocumentLimits;
import dev.seqtoolkit.core.hierarchy.EncodedDocument;
import dev.seqtoolkit.core.text.CoreNlpTokenizer;
import dev.seqtoolkit.core.text.Tokenizer;
import dev.seqtoolkit.core.text.Vocabulary;
import dev.seqtoolkit.core.text.WhitespaceTokenizer;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Text to words to ids, as the config says: HTML breaks to line breaks, then the sentence model's
 * tokens as one sequence, or the hierarchical model's sentences from CoreNLP's splitter; lowercasing;
 * then the length limits. Thread-safe.
 */
final class TextPipeline {
    private static final Pattern BREAK = Pattern.compile("<br\\s*/?>", Pattern.CASE_INSENSITIVE);

    private final SentimentConfig config;
    private final Tokenizer tokenizer;
    private final CoreNlpTokenizer splitter;
    private final DocumentLimits limits;

    TextPipeline(SentimentConfig config) {
        this.config = config;
        if (config.tokenizer() == SentimentConfig.TokenizerKind.CORENLP) {
            splitter = CoreNlpTokenizer.builder().optLowercase(config.lowercase()).build();
            tokenizer = splitter;
        } else {
            splitter = null;
            tokenizer = config.lowercase() ? WhitespaceTokenizer.lowercasing() : WhitespaceTokenizer.create();
        }
        limits = config.architecture() == SentimentConfig.Architecture.HIERARCHICAL
                ? config.documentLimits()
                : new DocumentLimits(1, config.maxWords(), config.overflow());
    }

    /** The limits applied: for the sentence model, one "sentence" of at most {@code maxWords} words. */
    DocumentLimits limits() {
        return limits;
    }

    /** The text's words, one list per sentence (a single list for the sentence model). */
    List<List<String>> sentences(String text) {
        String t = config.stripHtml() ? BREAK.matcher(text).replaceAll("\n") : text;
        if (config.architecture() == SentimentConfig.Architecture.HIERARCHICAL) {
            return splitter.splitTokens(t);
        }
        return List.of(tokenizer.tokenize(t)); // both tokenizers lowercase themselves when asked
    }

    /**
     * Encodes a text within the limits.
     *
     * @throws dev.seqtoolkit.core.hierarchy.DocumentTooLongException over a limit with overflow REFUSE
     */
    EncodedDocument encode(String text, Vocabulary vocabulary) {
        return EncodedDocument.of(sentences(text), vocabulary, limits);
    }
}
