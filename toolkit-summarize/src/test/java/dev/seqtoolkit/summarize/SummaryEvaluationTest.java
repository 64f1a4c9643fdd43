package dev.seqtoolkit.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.metrics.Rouge;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Corpus scores computed by hand (every fraction below is worked out in the comments). */
class SummaryEvaluationTest {

    private static final double TOL = 1e-12;

    private static void assertScore(double p, double r, double f, Rouge.Score s, String what) {
        assertEquals(p, s.precision(), TOL, what + " precision");
        assertEquals(r, s.recall(), TOL, what + " recall");
        assertEquals(f, s.f1(), TOL, what + " f1");
    }

    @Test
    void threeDocumentCorpusByHand() {
        // All words have at most 3 letters, so stemming changes nothing here.
        // Doc 1: candidate [the cat sat] [the dog ran off] (7 tokens); reference [a cat sat on the mat] (6).
        //   ROUGE-1: overlap cat, sat, the (clipped to 1) = 3: P 3/7, R 3/6, F 2*(3/7)(1/2)/(3/7+1/2) = 6/13.
        //   ROUGE-2: candidate bigrams (over the concatenation) the-cat cat-sat sat-the the-dog dog-ran ran-off (6),
        //            reference a-cat cat-sat sat-on on-the the-mat (5); overlap cat-sat: P 1/6, R 1/5, F 2/11.
        //   ROUGE-L: LCS(ref, [the cat sat]) = cat sat; LCS(ref, [the dog ran off]) = the; union 3 hits:
        //            P 3/7, R 3/6, F 6/13.
        // Doc 2: empty candidate against "nothing here": 0 everywhere.
        // Doc 3: candidate [x y z] [x y z] (6); reference [x y z] (3).
        //   ROUGE-1: overlap 3: P 1/2, R 1, F 2/3. ROUGE-2: candidate bigrams xy yz zx xy yz (5), reference xy yz:
        //   overlap 2: P 2/5, R 1, F 4/7. ROUGE-L: both candidate sentences give the LCS x y z of the one
        //   reference sentence; union 3 hits: P 1/2, R 1, F 2/3.
        // Means: ROUGE-1 P (3/7 + 0 + 1/2)/3 = 13/42, R (1/2 + 0 + 1)/3 = 1/2, F (6/13 + 0 + 2/3)/3 = 44/117;
        //        ROUGE-2 P (1/6 + 2/5)/3 = 17/90, R (1/5 + 1)/3 = 2/5, F (2/11 + 4/7)/3 = 58/231; ROUGE-L as ROUGE-1.
        // Trigrams: doc 1 has 5, none repeated; doc 3 "x y z x y z" has xyz yzx zxy xyz: 4, 1 repeated. Rate 1/9.
        SummaryEvaluation e = SummaryEvaluation.evaluate(
                List.of("the cat sat\nthe dog ran off", "", "x y z\nx y z"),
                List.of("a cat sat on the mat", "nothing here", "x y z"));
        assertEquals(3, e.documents());
        assertScore(13.0 / 42, 0.5, 44.0 / 117, e.rouge1(), "ROUGE-1");
        assertScore(17.0 / 90, 0.4, 58.0 / 231, e.rouge2(), "ROUGE-2");
        assertScore(13.0 / 42, 0.5, 44.0 / 117, e.rougeL(), "ROUGE-L");
        assertEquals(1.0 / 9, e.repeatedTrigramRate(), TOL);
        assertEquals(13.0 / 3, e.meanCandidateWords(), TOL);
        assertEquals(11.0 / 3, e.meanReferenceWords(), TOL);
        assertEquals(4.0 / 3, e.meanCandidateSentences(), TOL);
        assertEquals(1.0, e.meanReferenceSentences(), TOL);
        assertEquals(1, e.emptyCandidates());

        ObjectNode json = e.toJson();
        assertEquals(100 * 44.0 / 117, json.get("rouge1").asDouble(), 1e-9);
        assertEquals(100 * 58.0 / 231, json.get("rouge2").asDouble(), 1e-9);
        assertEquals(100 * 44.0 / 117, json.get("rougeL").asDouble(), 1e-9);
        assertEquals(100 * 17.0 / 90, json.get("rouge2_precision").asDouble(), 1e-9);
        assertEquals(40.0, json.get("rouge2_recall").asDouble(), 1e-9);
        assertEquals(1.0 / 9, json.get("repeated_trigram_rate").asDouble(), 1e-12);
        assertEquals(3, json.get("documents").asInt());
        assertEquals(1, json.get("empty_candidates").asInt());
        assertTrue(json.get("rouge_conventions").asText().contains("stemming"));
    }

    @Test
    void lineBreaksSeparateSentencesForRougeLOnly() {
        // Reference [the mat was red]. Candidate "red mat\nthe end": LCS with [red mat] is one token
        // (mat or red), with [the end] it is "the": union 2 hits, R = 2/4, P = 2/4.
        // The same words on one line: LCS([the mat was red], [red mat the end]) = 1 token: R = 1/4.
        SummaryEvaluation two = SummaryEvaluation.evaluate(List.of("red mat\nthe end"), List.of("the mat was red"));
        SummaryEvaluation one = SummaryEvaluation.evaluate(List.of("red mat the end"), List.of("the mat was red"));
        assertScore(0.5, 0.5, 0.5, two.rougeL(), "two lines");
        assertScore(0.25, 0.25, 0.25, one.rougeL(), "one line");
        assertEquals(two.rouge1(), one.rouge1());
        assertEquals(two.rouge2(), one.rouge2());
    }

    @Test
    void evaluateSentencesSplitsOneLineSummariesBeforeRougeL() {
        // "Red mat. The end." on one line: evaluate sees one sentence (R-L 1/4 as above);
        // evaluateSentences splits it into [Red mat.] [The end.], which scores like the two lines (1/2).
        List<String> candidate = List.of("Red mat. The end.");
        List<String> reference = List.of("The mat was red.");
        assertScore(0.25, 0.25, 0.25, SummaryEvaluation.evaluate(candidate, reference).rougeL(), "one line as given");
        SummaryEvaluation split = SummaryEvaluation.evaluateSentences(candidate, reference);
        assertScore(0.5, 0.5, 0.5, split.rougeL(), "split into sentences");
        assertEquals(2.0, split.meanCandidateSentences());
        assertEquals(1.0, split.meanReferenceSentences());
        assertEquals("Red mat.\nThe end.", Sentences.onePerLine("Red mat. The end."));
        assertEquals("a b .\nc", Sentences.onePerLine("a b .\nc"), "a summary on several lines keeps its lines");
        assertEquals("", Sentences.onePerLine(""));
    }

    @Test
    void stemmingIsOn() {
        // "cats"/"cat" and "running"/"runs" share their Porter stems: ROUGE-1 = 1.
        SummaryEvaluation e = SummaryEvaluation.evaluate(List.of("cats running"), List.of("cat runs"));
        assertScore(1, 1, 1, e.rouge1(), "ROUGE-1");
    }

    @Test
    void emptyCandidatesScoreZeroAndBadInputIsRejected() {
        SummaryEvaluation e = SummaryEvaluation.evaluate(List.of("", " \n "), List.of("a b", "c"));
        assertScore(0, 0, 0, e.rouge1(), "ROUGE-1");
        assertScore(0, 0, 0, e.rougeL(), "ROUGE-L");
        assertEquals(0.0, e.repeatedTrigramRate());
        assertEquals(2, e.emptyCandidates());
        assertEquals(0.0, e.meanCandidateSentences());
        IllegalArgumentException counts = assertThrows(IllegalArgumentException.class,
                () -> SummaryEvaluation.evaluate(List.of("a"), List.of("a", "b")));
        assertTrue(counts.getMessage().contains("1 candidates") && counts.getMessage().contains("2 references"));
        assertThrows(IllegalArgumentException.class, () -> SummaryEvaluation.evaluate(List.of(), List.of()));
        NullPointerException nul = assertThrows(NullPointerException.class,
                () -> SummaryEvaluation.evaluate(Arrays.asList("a", null), List.of("a", "b")));
        assertTrue(nul.getMessage().contains("candidate 1"), nul.getMessage());
    }
}
