package dev.seqtoolkit.summarize;

import dev.seqtoolkit.core.text.CoreNlpTokenizer;
import dev.seqtoolkit.core.text.SentenceSplitter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Splits summarization documents into the sentence units that extractive models and Lead-n pick
 * from, according to the document's {@link DocumentFormat}:
 * <ul>
 *   <li>{@link DocumentFormat#DIALOGUE}: the turns, i.e. the non-blank lines, stripped;
 *   <li>{@link DocumentFormat#TOKENIZED}: split after a {@code .}, {@code !} or {@code ?} token,
 *       taking along any closing {@code ''}, {@code )}, {@code ]} or further {@code .!?} tokens
 *       that follow it, and at every line break. The tokens are not touched (no CoreNLP pass that
 *       would turn {@code ``} into {@code "} or split {@code n't} again); a sentence is its tokens
 *       joined by single spaces;
 *   <li>{@link DocumentFormat#PLAIN}: Stanford CoreNLP's sentence splitter (through {@code
 *       core.text}, never CoreNLP types) with every line break ending a sentence; each sentence is
 *       the exact source text between its first and last character.
 * </ul>
 * No returned sentence is blank or contains a line break, so a list of sentences joined by
 * {@code \n} is a summary in the form {@link SummaryEvaluation} reads.
 *
 * <p>{@link #first} returns the first {@code n} sentences reading only as much of the document as
 * they need: a prefix for dialogue and tokenized text; for plain text, CoreNLP runs on a prefix
 * that doubles until it holds {@code n + 2} sentences (so the {@code n}-th boundary has its right
 * context), or the whole document. Every path is linear in the length of text read.
 *
 * <p>Thread-safe; the CoreNLP splitter is loaded on first use of {@link DocumentFormat#PLAIN}.
 */
public final class Sentences {

    private static final Set<String> ENDS = Set.of(".", "!", "?");
    private static final Set<String> CLOSERS = Set.of("''", ")", "]", "}", "'", "\u201d", "\u2019");
    private static final int FIRST_PREFIX_CHARS = 2048;

    private Sentences() {}

    /** Holder so that CoreNLP loads only when plain text is first split. */
    private static final class Plain {
        static final SentenceSplitter SPLITTER = CoreNlpTokenizer.builder()
                .optNewlinePolicy(CoreNlpTokenizer.NewlinePolicy.ALWAYS)
                .build();
    }

    /**
     * Splits a whole document.
     *
     * @param document the text
     * @param format how it is laid out
     * @return its sentences in order; empty for blank text
     */
    public static List<String> split(String document, DocumentFormat format) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(format, "format");
        return first(document, format, Integer.MAX_VALUE);
    }

    /**
     * The first {@code n} sentences of a document (fewer if it has fewer), reading only the prefix
     * needed.
     *
     * @param document the text
     * @param format how it is laid out
     * @param n how many sentences, {@code >= 1}
     * @return up to {@code n} sentences
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static List<String> first(String document, DocumentFormat format, int n) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(format, "format");
        if (n < 1) {
            throw new IllegalArgumentException("number of sentences must be >= 1 but was " + n);
        }
        switch (format) {
            case DIALOGUE:
                return turns(document, n);
            case TOKENIZED:
                return tokenized(document, n);
            case PLAIN:
                return plain(document, n);
            default:
                throw new AssertionError(format);
        }
    }

    /** The turns of a dialogue: its non-blank lines, stripped. */
    public static List<String> turns(String dialogue) {
        return turns(dialogue, Integer.MAX_VALUE);
    }

    /** Splits already-tokenized text without changing its tokens (see the class comment). */
    public static List<String> splitTokenized(String text) {
        return tokenized(text, Integer.MAX_VALUE);
    }

    /**
     * A summary laid out one sentence per line, the form {@link SummaryEvaluation} reads: a text
     * that already spans several lines is returned as it is; a single line is split with CoreNLP's
     * sentence splitter ({@link #splitPlain}) and its sentences joined by {@code \n}. Summary-level
     * ROUGE-L then sees the sentences of one-line references and abstractive outputs as well.
     *
     * @param summary a summary
     * @return the same words, one sentence per line
     */
    public static String onePerLine(String summary) {
        Objects.requireNonNull(summary, "summary");
        String stripped = summary.strip();
        if (stripped.indexOf('\n') >= 0 || stripped.indexOf('\r') >= 0 || stripped.isEmpty()) {
            return summary;
        }
        return String.join("\n", splitPlain(stripped));
    }

    /** Splits raw text with CoreNLP, every line break ending a sentence. */
    public static List<String> splitPlain(String text) {
        return plain(text, Integer.MAX_VALUE);
    }

    private static List<String> turns(String text, int n) {
        List<String> out = new ArrayList<>(Math.min(n, 64));
        int start = 0;
        int length = text.length();
        while (start <= length && out.size() < n) {
            int end = start;
            while (end < length && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            String line = text.substring(start, end).strip();
            if (!line.isEmpty()) {
                out.add(line);
            }
            start = end + 1;
        }
        return out;
    }

    private static List<String> tokenized(String text, int n) {
        List<String> out = new ArrayList<>(Math.min(n, 64));
        StringBuilder sentence = new StringBuilder();
        boolean ended = false;
        int i = 0;
        int length = text.length();
        while (i < length) {
            // skip whitespace, noting a line break
            boolean lineBreak = false;
            while (i < length && Character.isWhitespace(text.charAt(i))) {
                char c = text.charAt(i);
                lineBreak |= c == '\n' || c == '\r';
                i++;
            }
            if (i >= length) {
                break;
            }
            int start = i;
            while (i < length && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String token = text.substring(start, i);
            boolean continues = ended && (ENDS.contains(token) || CLOSERS.contains(token));
            if (sentence.length() > 0 && (lineBreak || (ended && !continues))) {
                out.add(sentence.toString());
                sentence.setLength(0);
                ended = false;
                if (out.size() >= n) {
                    return out;
                }
            }
            if (sentence.length() > 0) {
                sentence.append(' ');
            }
            sentence.append(token);
            ended = ended && continues || ENDS.contains(token);
        }
        if (sentence.length() > 0 && out.size() < n) {
            out.add(sentence.toString());
        }
        return out;
    }

    private static List<String> plain(String text, int n) {
        if (text.isBlank()) {
            return new ArrayList<>();
        }
        int length = text.length();
        int prefix = n == Integer.MAX_VALUE ? length : Math.min(length, FIRST_PREFIX_CHARS);
        while (true) {
            if (prefix < length && Character.isHighSurrogate(text.charAt(prefix - 1))) {
                prefix--;
            }
            List<String> sentences = clean(Plain.SPLITTER.split(text.substring(0, prefix)));
            if (prefix >= length || sentences.size() >= (long) n + 2) {
                return new ArrayList<>(sentences.subList(0, Math.min(n, sentences.size())));
            }
            prefix = (int) Math.min(length, 2L * prefix);
        }
    }

    /** Drops blank sentences and turns any stray line break inside one into a space. */
    private static List<String> clean(List<String> sentences) {
        List<String> out = new ArrayList<>(sentences.size());
        for (String s : sentences) {
            String t = s.strip();
            if (!t.isEmpty()) {
                out.add(t.replaceAll("\\s*[\\r\\n]+\\s*", " "));
            }
        }
        return out;
    }
}
