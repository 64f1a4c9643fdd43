package dev.seqtoolkit.core.metrics;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The "13a" tokenizer of WMT's mteval-v13a.pl, as used by sacreBLEU by default for BLEU.
 *
 * <p>Rules, applied in order:
 *
 * <ol>
 *   <li>remove {@code <skipped>}; join lines broken after a hyphen ({@code "-\n"} removed); turn
 *       remaining newlines into spaces;
 *   <li>unescape {@code &quot; &amp; &lt; &gt;};
 *   <li>pad with spaces every character in {@code { | } ~ [ \ ] ^ _ `}, space to {@code &}, {@code
 *       ( ) * +}, {@code : ; < = > ? @} and {@code /};
 *   <li>split a period or comma from a preceding non-digit, then from a following non-digit;
 *   <li>split a hyphen that follows a digit;
 *   <li>collapse whitespace and trim.
 * </ol>
 *
 * <p>Input is expected to be detokenised text; the result is space-separated tokens.
 */
public final class Tokenizer13a {

    /** ASCII punctuation and symbols that always become separate tokens (mteval's first rule). */
    private static final Pattern SYMBOLS = Pattern.compile("([{-~\\[-` -&(-+:-@/])");
    /** A period or comma preceded by a non-digit. */
    private static final Pattern PUNCT_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    /** A period or comma followed by a non-digit. */
    private static final Pattern PUNCT_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    /** A hyphen preceded by a digit. */
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    /** Creates the tokenizer (stateless). */
    public Tokenizer13a() {}

    /**
     * Tokenises one segment.
     *
     * @param line a detokenised segment
     * @return its tokens joined by single spaces, no leading or trailing space
     */
    public String tokenize(String line) {
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (s.indexOf('&') >= 0) {
            s = s.replace("&quot;", "\"")
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">");
        }
        s = " " + s + " ";
        s = SYMBOLS.matcher(s).replaceAll(" $1 ");
        s = PUNCT_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = PUNCT_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        s = DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return String.join(" ", PythonCompat.split(s));
    }

    /**
     * Tokenises one segment into a list.
     *
     * @param line a detokenised segment
     * @return its tokens
     */
    public List<String> tokens(String line) {
        return PythonCompat.split(tokenize(line));
    }
}
