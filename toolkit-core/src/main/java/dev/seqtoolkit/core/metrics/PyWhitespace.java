package dev.seqtoolkit.core.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Whitespace handling that matches Python's {@code str.split()} and {@code str.rstrip()}, which
 * sacreBLEU relies on. Python treats more characters as whitespace than {@link
 * Character#isWhitespace} (e.g. U+00A0, U+202F and U+0085), so the JDK methods are not used.
 */
final class PyWhitespace {

    private PyWhitespace() {}

    /** Returns whether code point {@code cp} is whitespace for Python's {@code str.isspace()}. */
    static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    /** Splits on runs of whitespace and drops empty pieces, like {@code s.split()}. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (isSpace(cp)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
        return out;
    }

    /** Removes trailing whitespace, like {@code s.rstrip()}. */
    static String rstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }
}
