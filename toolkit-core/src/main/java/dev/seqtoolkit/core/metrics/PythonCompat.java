package dev.seqtoolkit.core.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The few Python behaviours sacreBLEU's output depends on. Whitespace: Python's {@code str.split()}
 * and {@code str.rstrip()} treat more characters as whitespace than {@link Character#isWhitespace}
 * (e.g. U+00A0, U+202F and U+0085). Formatting: Python's {@code f"{x:.1f}"} rounds the exact
 * binary value half-to-even (81.25 gives "81.2"), where {@link String#format} rounds half-up.
 */
final class PythonCompat {

    private PythonCompat() {}

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

    /** Formats {@code value} with {@code decimals} digits like Python's {@code f"{value:.Nf}"}. */
    static String fixed(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.isNaN(value) ? "nan" : (value > 0 ? "inf" : "-inf");
        }
        return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }
}
