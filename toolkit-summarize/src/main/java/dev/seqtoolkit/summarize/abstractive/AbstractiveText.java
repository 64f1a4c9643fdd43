package dev.seqtoolkit.summarize.abstractive;

import dev.seqtoolkit.core.text.CoreNlpTokenizer;
import dev.seqtoolkit.core.text.ExtendedVocabulary;
import dev.seqtoolkit.core.text.Vocabulary;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Text to ids and back for the abstractive summarizer: CoreNLP words, optionally lowercased, one
 * line of a document (a dialogue turn) at a time with {@value #TURN} between lines, cut to the
 * configured lengths; ids from one shared {@link Vocabulary}, extended per document for a copy model.
 *
 * <p>Immutable and thread-safe (the CoreNLP tokenizer is).
 */
final class AbstractiveText {
    /** The token that separates the lines (turns) of a document. */
    static final String TURN = "<turn>";

    private final AbstractiveConfig.Text options;
    private final CoreNlpTokenizer tokenizer;
    private final Vocabulary vocabulary;
    private final boolean copy;

    /** Tokens cut to a length limit, and whether they were cut. */
    record Tokens(List<String> tokens, boolean truncated) {}

    /**
     * A document as the model sees it.
     *
     * @param tokens its tokens, cut to {@code maxSourceTokens}
     * @param extended its extended vocabulary (copy models), else null
     * @param ids the model's input ids (extended for copy models)
     */
    record Source(List<String> tokens, ExtendedVocabulary extended, int[] ids) {
        boolean isEmpty() {
            return ids.length == 0;
        }
    }

    /**
     * @param tokenizer a tokenizer made by {@link #tokenizer} for the same options
     * @param vocabulary the shared vocabulary
     * @param copy whether the model copies (extended ids)
     */
    AbstractiveText(AbstractiveConfig.Text options, CoreNlpTokenizer tokenizer, Vocabulary vocabulary, boolean copy) {
        this.options = Objects.requireNonNull(options, "options");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        this.copy = copy;
    }

    /** The tokenizer of these options (built once: loading CoreNLP takes a moment). */
    static CoreNlpTokenizer tokenizer(AbstractiveConfig.Text options) {
        return CoreNlpTokenizer.builder().optLowercase(options.lowercase()).build();
    }

    Vocabulary vocabulary() {
        return vocabulary;
    }

    CoreNlpTokenizer tokenizer() {
        return tokenizer;
    }

    /** The words of a document, lines joined by {@value #TURN} if configured, cut to {@code maxSourceTokens}. */
    static Tokens document(CoreNlpTokenizer tokenizer, AbstractiveConfig.Text options, String document) {
        List<String> tokens = new ArrayList<>();
        for (String line : document.split("\\R")) {
            List<String> words = tokenizer.tokenize(line);
            if (words.isEmpty()) {
                continue;
            }
            if (options.turnSeparators() && !tokens.isEmpty()) {
                tokens.add(TURN);
            }
            tokens.addAll(words);
        }
        return cut(tokens, options.maxSourceTokens());
    }

    /** The words of a summary (line breaks are spaces), cut to {@code maxTargetTokens}. */
    static Tokens summary(CoreNlpTokenizer tokenizer, AbstractiveConfig.Text options, String summary) {
        return cut(tokenizer.tokenize(summary.replaceAll("\\R", " ")), options.maxTargetTokens());
    }

    /**
     * Cuts tokens to {@code max}; a token spelled like a reserved one ({@code <pad>}, {@code <bos>},
     * {@code <eos>}: CoreNLP keeps such tags whole) becomes {@code <unk>}, so text never injects a
     * control id.
     */
    private static Tokens cut(List<String> tokens, int max) {
        List<String> kept = tokens.size() > max ? new ArrayList<>(tokens.subList(0, max)) : tokens;
        for (int i = 0; i < kept.size(); i++) {
            if (Vocabulary.RESERVED.contains(kept.get(i))) {
                kept.set(i, Vocabulary.UNK);
            }
        }
        return new Tokens(kept, tokens.size() > max);
    }

    /** A document's tokens and ids. */
    Source source(String document) {
        return source(document(tokenizer, options, document).tokens());
    }

    /** The ids of a document's (cut) tokens. */
    Source source(List<String> tokens) {
        if (copy) {
            ExtendedVocabulary extended = ExtendedVocabulary.of(vocabulary, tokens);
            return new Source(tokens, extended, extended.sourceIds());
        }
        return new Source(tokens, null, vocabulary.encode(tokens));
    }

    /** A summary's ids against its source: extended ids for the source's unknown words with copy. */
    int[] target(Source source, List<String> summaryTokens) {
        return copy ? source.extended().encodeTarget(summaryTokens) : vocabulary.encode(summaryTokens);
    }

    /** The text of decoded ids: extended ids become the source's words, turn tokens are dropped. */
    String text(Source source, int[] ids) {
        List<String> words = copy ? source.extended().tokens(ids) : vocabulary.decode(ids, false);
        List<String> kept = new ArrayList<>(words.size());
        for (String w : words) {
            if (!w.equals(TURN)) {
                kept.add(w);
            }
        }
        return tokenizer.detokenize(kept);
    }
}
