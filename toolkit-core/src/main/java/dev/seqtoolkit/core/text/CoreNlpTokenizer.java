package dev.seqtoolkit.core.text;

import edu.stanford.nlp.ling.CoreAnnotations;
import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.pipeline.Annotation;
import edu.stanford.nlp.pipeline.StanfordCoreNLP;
import edu.stanford.nlp.util.CoreMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * English word tokenizer and sentence splitter backed by Stanford CoreNLP ({@code tokenize} and
 * {@code ssplit}). This is the only class of the toolkit that touches CoreNLP.
 *
 * <p>Tokens follow Penn Treebank conventions for splitting ({@code isn't} becomes {@code is n't},
 * {@code John's} becomes {@code John 's}, punctuation is separated) but the text of each token is
 * kept as typed, so that models see what users write and {@link #detokenize} can restore it:
 * <ul>
 *   <li>no bracket escaping: {@code (} stays {@code (}, not {@code -LRB-};
 *   <li>quotes, ellipses and dashes are kept as in the input ({@code "} stays {@code "}, not
 *       {@code ``} / {@code ''}; {@code …} and {@code --} are not rewritten);
 *   <li>no Americanisation, no fraction or {@code &amp;} normalisation, no escaping of {@code /};
 *   <li>hyphenated words stay whole ({@code re-imagining}) unless {@link
 *       Builder#optSplitHyphenated(boolean)} is set; assimilations such as {@code gonna} are not
 *       split;
 *   <li>a space inside a token (rare: e.g. {@code 3 1/2}) becomes U+00A0, CoreNLP's default, so
 *       no token ever contains an ASCII space;
 *   <li>optional lowercasing with {@link Locale#ROOT} after tokenization.
 * </ul>
 * Sentence breaks follow CoreNLP's {@code ssplit} with the configured newline policy (default:
 * two consecutive newlines end a sentence, one does not).
 *
 * <p>Thread-safe: CoreNLP's annotation pipeline may be used from many threads at once, and this
 * class keeps no other mutable state.
 */
public final class CoreNlpTokenizer implements Tokenizer, SentenceSplitter {

    /** How line breaks in the input affect sentence splitting. */
    public enum NewlinePolicy {
        /** Every line break ends a sentence (one sentence per line). */
        ALWAYS,
        /** Line breaks are ordinary whitespace. */
        NEVER,
        /** Two or more consecutive line breaks end a sentence (CoreNLP's default). */
        TWO
    }

    static final String TOKENIZE_OPTIONS = "ptb3Escaping=false,normalizeParentheses=false,"
            + "normalizeOtherBrackets=false,quotes=original,ellipses=original,dashes=original,"
            + "americanize=false,normalizeFractions=false,normalizeAmpersandEntity=false,"
            + "escapeForwardSlashAsterisk=false,splitAssimilations=false";

    private static final Set<String> ATTACH_LEFT = Set.of(",", ".", "!", "?", ";", ":", ")", "]",
            "}", "%", "...", "…", "''", "”", "’", "»");
    private static final Set<String> ATTACH_RIGHT = Set.of("(", "[", "{", "$", "#", "``", "“", "‘",
            "«", "£", "€");

    private final StanfordCoreNLP pipeline;
    private final boolean lowercase;

    private CoreNlpTokenizer(Builder builder) {
        Properties props = new Properties();
        props.setProperty("annotators", "tokenize,ssplit");
        props.setProperty("tokenize.language", "en");
        props.setProperty("tokenize.options", TOKENIZE_OPTIONS
                + ",splitHyphenated=" + builder.splitHyphenated);
        props.setProperty("ssplit.newlineIsSentenceBreak",
                builder.newlines.name().toLowerCase(Locale.ROOT));
        this.pipeline = new StanfordCoreNLP(props);
        this.lowercase = builder.lowercase;
    }

    /** Creates a builder; every option has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A tokenizer with all defaults (case kept, hyphenated words whole). */
    public static CoreNlpTokenizer create() {
        return builder().build();
    }

    /** Tokenizes the whole text, ignoring sentence boundaries. */
    @Override
    public List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        for (CoreMap sentence : annotate(text)) {
            addTokens(sentence, tokens);
        }
        return tokens;
    }

    /** {@inheritDoc} */
    @Override
    public List<List<String>> splitTokens(String document) {
        List<List<String>> sentences = new ArrayList<>();
        for (CoreMap sentence : annotate(document)) {
            List<String> tokens = new ArrayList<>();
            addTokens(sentence, tokens);
            sentences.add(tokens);
        }
        return sentences;
    }

    /**
     * Splits a document into sentences, returning for each the exact source text between its first
     * and last character (lowercased if this tokenizer lowercases).
     */
    @Override
    public List<String> split(String document) {
        List<String> sentences = new ArrayList<>();
        for (CoreMap sentence : annotate(document)) {
            int begin = sentence.get(CoreAnnotations.CharacterOffsetBeginAnnotation.class);
            int end = sentence.get(CoreAnnotations.CharacterOffsetEndAnnotation.class);
            String text = document.substring(begin, end);
            sentences.add(lowercase ? text.toLowerCase(Locale.ROOT) : text);
        }
        return sentences;
    }

    /** Joins a sentence with {@link #detokenize}. */
    @Override
    public String joinSentence(List<String> tokens) {
        return detokenize(tokens);
    }

    /**
     * Joins PTB-style tokens into text. A space separates two tokens except: before closing
     * punctuation ({@code , . ! ? ; : ) ] } % ...} and closing quotes), before clitics ({@code n't},
     * {@code 's}, {@code 're}, {@code 've}, {@code 'm}, {@code 'll}, {@code 'd}, in any case and with
     * {@code '} or {@code ’}), and after opening brackets, opening quotes and currency signs. A
     * straight double quote {@code "} alternates between opening and closing. A lone straight
     * single quote {@code '} closes an open single-quoted span; otherwise, after a word ending in
     * {@code s} it is taken as a plural possessive ({@code dogs '} gives {@code dogs'}); otherwise
     * it opens a quotation if another lone {@code '} follows later in the list, and attaches to
     * the left if not. These rules are heuristics: {@code says 'hi'} comes back as
     * {@code says' hi'}.
     */
    @Override
    public String detokenize(List<String> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        StringBuilder out = new StringBuilder();
        boolean noSpaceNext = true;
        boolean doubleOpen = false;
        int singleQuotesLeft = 0;
        for (String token : tokens) {
            if (token.equals("'")) {
                singleQuotesLeft++;
            }
        }
        boolean singleOpen = false;
        String previous = null;
        for (String token : tokens) {
            boolean attachLeft;
            boolean attachRight;
            if (token.equals("\"")) {
                attachLeft = doubleOpen;
                attachRight = !doubleOpen;
                doubleOpen = !doubleOpen;
            } else if (token.equals("'")) {
                singleQuotesLeft--;
                boolean possessive = !singleOpen && previous != null && endsWithS(previous);
                boolean opening = !singleOpen && !possessive && singleQuotesLeft > 0;
                attachLeft = !opening;
                attachRight = opening;
                singleOpen = opening;
            } else {
                attachLeft = ATTACH_LEFT.contains(token) || isClitic(token);
                attachRight = ATTACH_RIGHT.contains(token);
            }
            if (out.length() > 0 && !noSpaceNext && !attachLeft) {
                out.append(' ');
            }
            out.append(token);
            noSpaceNext = attachRight;
            previous = token;
        }
        return out.toString();
    }

    private static boolean endsWithS(String token) {
        char last = token.charAt(token.length() - 1);
        return last == 's' || last == 'S';
    }

    private static boolean isClitic(String token) {
        String lower = token.toLowerCase(Locale.ROOT);
        if (lower.equals("n't") || lower.equals("n’t")) {
            return true;
        }
        if (lower.length() < 2 || (lower.charAt(0) != '\'' && lower.charAt(0) != '’')) {
            return false;
        }
        switch (lower.substring(1)) {
            case "s":
            case "re":
            case "ve":
            case "m":
            case "ll":
            case "d":
                return true;
            default:
                return false;
        }
    }

    private List<CoreMap> annotate(String text) {
        Objects.requireNonNull(text, "text");
        Annotation annotation = new Annotation(text);
        pipeline.annotate(annotation);
        List<CoreMap> sentences = annotation.get(CoreAnnotations.SentencesAnnotation.class);
        return sentences == null ? List.of() : sentences;
    }

    private void addTokens(CoreMap sentence, List<String> out) {
        for (CoreLabel label : sentence.get(CoreAnnotations.TokensAnnotation.class)) {
            String word = label.word();
            out.add(lowercase ? word.toLowerCase(Locale.ROOT) : word);
        }
    }

    /** Builder for {@link CoreNlpTokenizer}; all options are optional. */
    public static final class Builder {
        private boolean lowercase;
        private boolean splitHyphenated;
        private NewlinePolicy newlines = NewlinePolicy.TWO;

        Builder() {}

        /** Lowercases every token (default {@code false}). */
        public Builder optLowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        /** Splits hyphenated words into parts and hyphens (default {@code false}). */
        public Builder optSplitHyphenated(boolean splitHyphenated) {
            this.splitHyphenated = splitHyphenated;
            return this;
        }

        /** Sets how line breaks end sentences (default {@link NewlinePolicy#TWO}). */
        public Builder optNewlinePolicy(NewlinePolicy policy) {
            this.newlines = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Builds the tokenizer (loads CoreNLP's tokenizer; takes a moment). */
        public CoreNlpTokenizer build() {
            return new CoreNlpTokenizer(this);
        }
    }
}
