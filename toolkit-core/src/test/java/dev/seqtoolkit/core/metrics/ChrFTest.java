package dev.seqtoolkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seqtoolkit.core.metrics.SacreBleuCorpora.Corpus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reference numbers come from sacreBLEU 2.6.0 (source at commit f615c72, Debian python3):
 * {@code CHRF()}, {@code CHRF(word_order=2)} and {@code CHRF(eps_smoothing=True)} {@code
 * .corpus_score(hyps, refs)}, and {@code CHRF().sentence_score(...)}.
 */
class ChrFTest {

    private static final double TOL = 1e-9;
    private final ChrF chrf = ChrF.builder().build();
    private final ChrF chrfPlusPlus = ChrF.builder().optWordOrder(2).build();
    private final ChrF chrfEps = ChrF.builder().optEpsSmoothing(true).build();

    private void check(Corpus c, double expChrF, double expChrFpp, double expEps) {
        assertEquals(expChrF, chrf.corpusScore(c.hypotheses(), c.references()).score(), TOL, "chrF");
        assertEquals(expChrFpp, chrfPlusPlus.corpusScore(c.hypotheses(), c.references()).score(), TOL, "chrF++");
        assertEquals(expEps, chrfEps.corpusScore(c.hypotheses(), c.references()).score(), TOL, "chrF eps");
    }

    @Test
    void punctuationCorpusMatchesSacreBleu() {
        check(SacreBleuCorpora.EN_PUNCT, 63.07627223682761, 64.41762526601266, 63.0761864676131);
    }

    @Test
    void multiReferenceCorpusMatchesSacreBleu() {
        check(SacreBleuCorpora.MULTI_REF, 61.629979438048586, 63.655432676399684, 61.629401898890116);
    }

    @Test
    void emptyHypothesisCorpusMatchesSacreBleu() {
        check(SacreBleuCorpora.EMPTY_HYP, 62.32791640707427, 61.2269391429128, 62.32780843716757);
    }

    @Test
    void germanNewsParagraphMatchesSacreBleu() {
        check(SacreBleuCorpora.DE_NEWS, 78.53452878124601, 76.97251364543409, 78.53451808985436);
    }

    @Test
    void shortSegmentsUseEffectiveOrder() {
        // Only orders 1..3 have both hypothesis and reference n-grams; eps smoothing differs a lot.
        check(SacreBleuCorpora.SHORT, 52.23880597014926, 52.23880597014925, 17.279821627647713);
    }

    @Test
    void sentenceScoreMatchesSacreBleuAndHandComputation() {
        // "abc" vs "abd" (spaces removed): P = R per order: 1-grams 2/3, 2-grams 1/2, 3-grams 0/1;
        // orders 4-6 have no n-grams. Mean P = mean R = (2/3 + 1/2 + 0) / 3 = 7/18; F = 7/18.
        ChrFScore s = chrf.sentenceScore("a b c", List.of("a b d"));
        assertEquals(38.888888888888886, s.score(), TOL);
        assertEquals(100.0 * 7 / 18, s.score(), TOL);
        assertEquals("chrF2", s.name());
    }

    @Test
    void nameAndSignature() {
        ChrFScore s = chrfPlusPlus.sentenceScore("x", List.of("x"));
        assertEquals("chrF2++", s.name());
        assertEquals(100.0, s.score(), TOL);
        assertEquals("nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0-compatible", s.signature());
        assertTrue(s.format().startsWith("chrF2++|nrefs:1|"));
    }

    @Test
    void invalidInputIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> chrf.corpusScore(List.of("a"), List.of(List.of("a"), List.of("b"))));
        assertTrue(e.getMessage().contains("1 hypotheses") && e.getMessage().contains("2 reference"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChrF.builder().optBeta(0).build());
        assertThrows(IllegalArgumentException.class, () -> ChrF.builder().optCharOrder(0).build());
    }
}
