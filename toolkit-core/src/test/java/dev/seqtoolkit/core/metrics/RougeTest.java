package dev.seqtoolkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked cases in comments, plus numbers cross-checked with a Python re-run of rouge-score's
 * published algorithm (google-research rouge/rouge_scorer.py and tokenize.py: tokenisation,
 * clipped n-grams, LCS back-trace and summary-level union LCS) using Debian's NLTK 3.8 Porter
 * stemmer in MARTIN_EXTENSIONS mode (the reference implementation's behaviour, which OpenNLP's
 * stemmer matches). rouge-score itself is not packaged in Debian; its NLTK_EXTENSIONS stemmer gives
 * the same numbers on these texts (it only stems "tuesday" differently, on both sides).
 */
class RougeTest {

    private static final double TOL = 1e-12;
    private final Rouge rouge = Rouge.builder().build();
    private final Rouge noStem = Rouge.builder().optStemming(false).build();

    private static void assertScore(double p, double r, double f, Rouge.Score s) {
        assertEquals(p, s.precision(), TOL, "precision");
        assertEquals(r, s.recall(), TOL, "recall");
        assertEquals(f, s.f1(), TOL, "f1");
    }

    @Test
    void linUnionLcsExample() {
        // Lin (2004), section 3.2: r = w1 w2 w3 w4 w5; c1 = w1 w2 w6 w7 w8; c2 = w1 w3 w8 w9 w5.
        // LCS(r, c1) = w1 w2, LCS(r, c2) = w1 w3 w5; union = w1 w2 w3 w5: 4 hits.
        // R = 4/5, P = 4/10, F = 2 * 0.4 * 0.8 / 1.2 = 0.5333...
        List<String> cand = List.of("w1 w2 w6 w7 w8", "w1 w3 w8 w9 w5");
        List<String> ref = List.of("w1 w2 w3 w4 w5");
        assertScore(0.4, 0.8, 0.5333333333333333, rouge.rougeLsum(cand, ref));
        // ROUGE-1: clipped overlap w1 w2 w3 w5 = 4 of 10 candidate / 5 reference unigrams.
        assertScore(0.4, 0.8, 0.5333333333333333, rouge.rougeN(cand, ref, 1));
        // ROUGE-2 over the concatenated candidate (9 bigrams, one spans the sentence boundary):
        // only "w1 w2" matches the 4 reference bigrams: P = 1/9, R = 1/4.
        assertScore(1.0 / 9, 0.25, 0.15384615384615383, rouge.rougeN(cand, ref, 2));
    }

    @Test
    void stemmingMatchesInflections() {
        // Stemmed: "the runner were run quickli through connect street" vs
        // "a runner run quickli the street are connect": 6 of 8 unigrams match (the, runner, run,
        // quickli, connect, street): R1 = 0.75; one bigram ("run quickli") of 7: R2 = 1/7.
        // LCS = runner run quickli street (4 of 8): Lsum = 0.5.
        List<String> cand = List.of("The runners were running quickly through connected streets.");
        List<String> ref = List.of("A runner runs quickly; the streets are connecting.");
        Rouge.Scores s = rouge.score(cand, ref);
        assertScore(0.75, 0.75, 0.75, s.rouge1());
        assertScore(1.0 / 7, 1.0 / 7, 0.14285714285714285, s.rouge2());
        assertScore(0.5, 0.5, 0.5, s.rougeLsum());
        // Without stemming only "the", "quickly", "streets" match: 3/8.
        Rouge.Scores raw = noStem.score(cand, ref);
        assertScore(0.375, 0.375, 0.375, raw.rouge1());
        assertScore(0.0, 0.0, 0.0, raw.rouge2());
        assertScore(0.25, 0.25, 0.25, raw.rougeLsum());
    }

    @Test
    void tokenizationAndStemmingConventions() {
        assertEquals(List.of("run", "run", "ran"), rouge.tokenize("Running, runs; ran!"));
        // Only tokens longer than 3 characters are stemmed; original Porter gives "dy" for "dying".
        assertEquals(List.of("is", "was", "dy", "hope"), rouge.tokenize("is was dying hopeful"));
        // Non-alphanumerics (incl. non-ASCII letters and hyphens) become spaces; lowercased.
        assertEquals(List.of("u", "s", "e", "mail", "caf", "3", "5"), noStem.tokenize("U.S. e-mail Café 3,5"));
    }

    @Test
    void multiSentenceSummaryCrossCheckedWithRougeScoreAlgorithm() {
        List<String> cand = List.of("Police killed the gunman.", "The gunman was shot dead by officers on Tuesday.");
        List<String> ref = List.of("The police killed the gunman on Tuesday.", "Officers said the shooting was justified.");
        Rouge.Scores s = rouge.score(cand, ref);
        assertScore(0.6923076923076923, 0.6923076923076923, 0.6923076923076923, s.rouge1());
        assertScore(0.3333333333333333, 0.3333333333333333, 0.3333333333333333, s.rouge2());
        assertScore(0.6153846153846154, 0.6153846153846154, 0.6153846153846154, s.rougeLsum());
    }

    @Test
    void twoByTwoSentencesByHandWithAndWithoutStemming() {
        // Reference r1 "The cats sat on the mat." r2 "Dogs were barking loudly." (10 tokens);
        // candidate c1 "A mat sat on a cat." c2 "The dog barked loudly again." (11 tokens).
        // Stemmed (Porter on tokens of 4+ letters): cats->cat, dogs->dog, barking/barked->bark,
        // loudly->loudli; r = [the cat sat on the mat] [dog were bark loudli],
        // c = [a mat sat on a cat] [the dog bark loudli again].
        List<String> ref = List.of("The cats sat on the mat.", "Dogs were barking loudly.");
        List<String> cand = List.of("A mat sat on a cat.", "The dog barked loudly again.");
        Rouge.Scores s = rouge.score(cand, ref);
        // ROUGE-1: clipped overlap the(1 of 2) cat sat on mat dog bark loudli = 8.
        //   P = 8/11, R = 8/10, F = 2 (8/11)(8/10) / (8/11 + 8/10) = (128/110) / (168/110) = 16/21.
        assertScore(8.0 / 11, 0.8, 16.0 / 21, s.rouge1());
        // ROUGE-2 over the concatenations: reference bigrams the-cat cat-sat sat-on on-the the-mat
        //   mat-dog dog-were were-bark bark-loudli (9); candidate a-mat mat-sat sat-on on-a a-cat
        //   cat-the the-dog dog-bark bark-loudli loudli-again (10). Overlap sat-on, bark-loudli = 2:
        //   P = 2/10, R = 2/9, F = 2 (1/5)(2/9) / (1/5 + 2/9) = (4/45) / (19/45) = 4/19.
        assertScore(0.2, 2.0 / 9, 4.0 / 19, s.rouge2());
        // Summary-level ROUGE-L: r1 with c1: the only LCS is "sat on" (mat and cat are in the wrong
        //   order); r1 with c2: "the". Union for r1: sat on the = 3. r2 with c1: nothing; r2 with c2:
        //   dog bark loudli = 3. Hits (each within the token counts of both sides) 3 + 3 = 6:
        //   P = 6/11, R = 6/10, F = 2 (6/11)(6/10) / (6/11 + 6/10) = (72/110) / (126/110) = 4/7.
        assertScore(6.0 / 11, 0.6, 4.0 / 7, s.rougeLsum());
        // Without stemming cats/cat, dogs/dog and barking/barked differ:
        // ROUGE-1 overlap the sat on mat loudly = 5: P = 5/11, R = 5/10, F = (5/11) / (21/22) = 10/21.
        // ROUGE-2 overlap sat-on only: P = 1/10, R = 1/9, F = (2/90) / (19/90) = 2/19.
        // ROUGE-L: r1 union sat on the = 3; r2 with c2 only "loudly" = 1; 4 hits:
        //   P = 4/11, R = 4/10, F = (32/110) / (84/110) = 8/21.
        Rouge.Scores raw = noStem.score(cand, ref);
        assertScore(5.0 / 11, 0.5, 10.0 / 21, raw.rouge1());
        assertScore(0.1, 1.0 / 9, 2.0 / 19, raw.rouge2());
        assertScore(4.0 / 11, 0.4, 8.0 / 21, raw.rougeLsum());
        // Swapping candidate and reference swaps precision and recall.
        Rouge.Scores swapped = rouge.score(ref, cand);
        assertScore(0.6, 6.0 / 11, 4.0 / 7, swapped.rougeLsum());
    }

    @Test
    void sentenceLevelRougeLForHeadlines() {
        // Stemmed candidate: polic kill gunman in downtown shootout (6 tokens); reference:
        // gunman kill by polic after shootout downtown (7). One LCS: "gunman shootout" (2):
        // P = 2/6, R = 2/7, F = 0.3076923...
        Rouge.Score s = rouge.sentenceRougeL(
                "Police kill gunman in downtown shootout", "Gunman killed by police after shootout downtown");
        assertScore(1.0 / 3, 2.0 / 7, 0.30769230769230765, s);
    }

    @Test
    void summaryLevelDoesNotDoubleCountRepeatedTokens() {
        // Reference "a b" against two candidate sentences "a b" and "a b": the union LCS is a b
        // for the single reference sentence: 2 hits, P = 2/4, R = 2/2. The reference sentence
        // "a" repeated twice against candidate "a": the token a can be hit once only: 1 hit.
        assertScore(0.5, 1.0, 2.0 / 3, noStem.rougeLsum(List.of("a b", "a b"), List.of("a b")));
        assertScore(1.0, 0.5, 2.0 / 3, noStem.rougeLsum(List.of("a"), List.of("a", "a")));
    }

    @Test
    void emptyInputsScoreZero() {
        assertScore(0, 0, 0, rouge.rougeLsum(List.of(""), List.of("a b")));
        assertScore(0, 0, 0, rouge.rougeN(List.of(), List.of("a b"), 1));
        assertScore(0, 0, 0, rouge.sentenceRougeL("...", "a b"));
    }

    @Test
    void corpusMeanAveragesPerDocumentScores() {
        // Doc 1 identical (all 1.0); doc 2 disjoint (all 0.0): every mean is 0.5.
        Rouge.Scores m = noStem.corpusMean(
                List.of(List.of("x y z"), List.of("p q")), List.of(List.of("x y z"), List.of("r s")));
        assertScore(0.5, 0.5, 0.5, m.rouge1());
        assertScore(0.5, 0.5, 0.5, m.rouge2());
        assertScore(0.5, 0.5, 0.5, m.rougeLsum());
        // Mean of F, not F of the means: doc P/R (1, 0.5) and (0.5, 1) give F 2/3 each.
        Rouge.Scores m2 = noStem.corpusMean(
                List.of(List.of("a"), List.of("a b")), List.of(List.of("a b"), List.of("a")));
        assertScore(0.75, 0.75, 2.0 / 3, m2.rouge1());
    }

    @Test
    void invalidInputIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rouge.corpusMean(List.of(List.of("a")), List.of()));
        assertTrue(e.getMessage().contains("1 candidates") && e.getMessage().contains("0 references"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> rouge.rougeN(List.of("a"), List.of("a"), 0));
    }
}
