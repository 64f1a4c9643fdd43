package dev.seqtoolkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seqtoolkit.core.metrics.SacreBleuCorpora.Corpus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reference numbers come from sacreBLEU 2.6.0 (source of github.com/mjpost/sacrebleu at commit
 * f615c72, run with Debian's python3 3.11): {@code BLEU().corpus_score(hyps, refs)} with default
 * options, references passed as sacreBLEU reference streams equivalent to the per-segment lists
 * here, and {@code BLEU(effective_order=True).sentence_score(...)} for sentence BLEU. Values are
 * the printed Python doubles.
 */
class BleuTest {

    private static final double TOL = 1e-9;
    private final Bleu bleu = Bleu.builder().build();

    private static void assertPrecisions(double[] expected, BleuScore s) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], s.precisions().get(i), TOL, "precision of order " + (i + 1));
        }
    }

    @Test
    void punctuationAndNumbersMatchSacreBleu() {
        Corpus c = SacreBleuCorpora.EN_PUNCT;
        BleuScore s = bleu.corpusScore(c.hypotheses(), c.references());
        assertEquals(48.57190725663056, s.score(), TOL);
        assertPrecisions(new double[] {81.25, 62.06896551724138, 42.30769230769231, 26.08695652173913}, s);
        assertEquals(1.0, s.bp(), TOL);
        assertEquals(1.0, s.ratio(), TOL);
        assertEquals(32, s.hypLen());
        assertEquals(32, s.refLen());
        assertEquals(
                "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0-compatible = 48.57 "
                        + "81.2/62.1/42.3/26.1 (BP = 1.000 ratio = 1.000 hyp_len = 32 ref_len = 32)",
                s.format());
    }

    @Test
    void multipleReferencesMatchSacreBleu() {
        Corpus c = SacreBleuCorpora.MULTI_REF;
        BleuScore s = bleu.corpusScore(c.hypotheses(), c.references());
        assertEquals(63.31602189561791, s.score(), TOL);
        assertPrecisions(new double[] {100.0, 78.57142857142857, 54.54545454545455, 37.5}, s);
        assertEquals(17, s.hypLen());
        assertEquals(17, s.refLen());
        assertTrue(s.signature().startsWith("nrefs:2|"), s.signature());
    }

    @Test
    void emptyHypothesisMatchesSacreBleu() {
        Corpus c = SacreBleuCorpora.EMPTY_HYP;
        BleuScore s = bleu.corpusScore(c.hypotheses(), c.references());
        assertEquals(36.99837120961992, s.score(), TOL);
        assertPrecisions(new double[] {90.9090909090909, 66.66666666666667, 57.142857142857146, 33.333333333333336}, s);
        assertEquals(0.6347364189402819, s.bp(), TOL);
        assertEquals(0.6875, s.ratio(), TOL);
        assertEquals(11, s.hypLen());
        assertEquals(16, s.refLen());
    }

    @Test
    void germanNewsParagraphMatchesSacreBleu() {
        Corpus c = SacreBleuCorpora.DE_NEWS;
        BleuScore s = bleu.corpusScore(c.hypotheses(), c.references());
        assertEquals(58.39166386815043, s.score(), TOL);
        assertPrecisions(new double[] {83.33333333333333, 61.224489795918366, 52.27272727272727, 43.58974358974359}, s);
        assertEquals(54, s.hypLen());
        assertEquals(54, s.refLen());
    }

    @Test
    void corpusWithoutFourGramsScoresZeroButKeepsStatistics() {
        Corpus c = SacreBleuCorpora.SHORT;
        BleuScore s = bleu.corpusScore(c.hypotheses(), c.references());
        assertEquals(0.0, s.score(), 0.0);
        assertPrecisions(new double[] {100.0, 100.0, 0.0, 0.0}, s);
        assertEquals(0.513417119032592, s.bp(), TOL);
        assertEquals(0.6, s.ratio(), TOL);
        assertEquals(List.of(3L, 1L, 0L, 0L), s.totals());
    }

    @Test
    void variableReferenceCountMatchesSacreBleu() {
        BleuScore s = bleu.corpusScore(
                List.of("the cat is on the mat", "a dog"),
                List.of(List.of("the cat sat on the mat", "a cat is on the mat"), List.of("a dog barks")));
        assertEquals(74.20884818558928, s.score(), TOL);
        assertEquals(8, s.hypLen());
        assertEquals(9, s.refLen());
        assertTrue(s.signature().startsWith("nrefs:var|"), s.signature());
    }

    @Test
    void sentenceBleuWithEffectiveOrderMatchesSacreBleu() {
        Bleu sentence = Bleu.builder().optEffectiveOrder(true).build();
        BleuScore s = sentence.sentenceScore("a b c", List.of("a b d"));
        // sacreBLEU: 66.7/50.0/50.0/0.0; the trigram gets exp smoothing 100 / (2 * 1).
        assertEquals(55.03212081491043, s.score(), TOL);
        assertPrecisions(new double[] {66.66666666666667, 50.0, 50.0, 0.0}, s);
        assertTrue(s.signature().contains("|eff:yes|"));
    }

    @Test
    void handComputedUnigramAndBigramCase() {
        // Hyp "a a b" vs ref "a b": clipped 1-grams 2/3, 2-grams ("a a","a b") 1/2, no 3-gram match
        // (total 1) -> exp smoothing 1/(2*1), no 4-grams (total 0) -> stop; with effective order 3:
        // BLEU = (2/3 * 1/2 * 1/2)^(1/3) * BP(1) = (1/6)^(1/3) = 0.5503212081491045.
        Bleu sentence = Bleu.builder().optEffectiveOrder(true).build();
        assertEquals(100 * Math.cbrt(1.0 / 6), sentence.sentenceScore("a a b", List.of("a b")).score(), TOL);
        // Identical segments score 100 with BP 1.
        assertEquals(100.0, bleu.sentenceScore("Ein Test, ja.", List.of("Ein Test, ja.")).score(), TOL);
    }

    @Test
    void closestReferenceLengthPrefersShorterOnTies() {
        // Hyp length 4, refs of length 3 and 5: both at distance 1 -> ref_len 3 (no brevity penalty).
        BleuScore s = bleu.sentenceScore("w x y z", List.of("w x y", "w x y z q"));
        assertEquals(3, s.refLen());
        assertEquals(1.0, s.bp(), 0.0);
    }

    @Test
    void allEmptyHypothesesScoreZero() {
        BleuScore s = bleu.corpusScore(List.of("", ""), List.of(List.of("a b"), List.of("c")));
        assertEquals(0.0, s.score(), 0.0);
        assertEquals(0.0, s.bp(), 0.0);
        assertEquals(0, s.hypLen());
        assertEquals(3, s.refLen());
    }

    @Test
    void lowercaseOptionChangesScoreAndSignature() {
        Bleu lc = Bleu.builder().optLowercase(true).build();
        assertEquals(100.0, lc.sentenceScore("THE CAT SAT DOWN", List.of("the cat sat down")).score(), TOL);
        assertEquals(0.0, bleu.sentenceScore("THE CAT SAT DOWN", List.of("the cat sat down")).score(), 0.0);
        assertTrue(lc.signature("1").contains("case:lc"));
    }

    @Test
    void invalidInputIsRejectedWithCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(List.of("a", "b"), List.of(List.of("a"))));
        assertTrue(e.getMessage().contains("2 hypotheses") && e.getMessage().contains("1 reference"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bleu.corpusScore(List.of(), List.of()));
        IllegalArgumentException noRef = assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(List.of("a"), List.of(List.of())));
        assertTrue(noRef.getMessage().contains("segment 0"), noRef.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bleu.builder().optMaxOrder(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> Bleu.builder().optSmoothing(Bleu.Smoothing.EXP).optSmoothValue(0.5).build());
    }

    @Test
    void callerListsAreNotModified() {
        List<String> hyps = new java.util.ArrayList<>(List.of("a b c d"));
        List<List<String>> refs = new java.util.ArrayList<>(List.of(new java.util.ArrayList<>(List.of("a b c d"))));
        bleu.corpusScore(hyps, refs);
        assertEquals(List.of("a b c d"), hyps);
        assertEquals(List.of(List.of("a b c d")), refs);
    }
}
