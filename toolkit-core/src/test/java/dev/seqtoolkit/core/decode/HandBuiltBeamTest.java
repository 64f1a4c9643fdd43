package dev.seqtoolkit.core.decode;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.seqtoolkit.core.decode.FakeModels.A;
import static dev.seqtoolkit.core.decode.FakeModels.B;
import static dev.seqtoolkit.core.decode.FakeModels.C;
import static dev.seqtoolkit.core.decode.FakeModels.p;
import static dev.seqtoolkit.core.decode.FakeModels.sum;
import static dev.seqtoolkit.core.decode.SpecialIds.EOS;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Beam search on log-probabilities written by hand; every expected score is worked out in the
 * comments. Tokens: a = 4, b = 5, c = 6; unlisted tokens have probability 0.
 */
class HandBuiltBeamTest {

    static final List<int[]> ONE_SOURCE = List.of(new int[] {9, 9, 9});

    /**
     * P(a) = .6, P(b) = .4; after a: eos .4, c .35, a .25; after b: eos .9, a .06, c .04; then eos.
     * Greedy: a (.6), eos (.4) -> [a], P = .24. Beam 2: [b], P = .4 * .9 = .36, beats it.
     */
    static FakeModels.TableModel greedyTrap() {
        return new FakeModels.TableModel(g -> {
            if (g.length == 0) {
                return p(A, .6, B, .4);
            }
            if (g.length == 1 && g[0] == A) {
                return p(EOS, .4, C, .35, A, .25);
            }
            if (g.length == 1 && g[0] == B) {
                return p(EOS, .9, A, .06, C, .04);
            }
            return p(EOS, 1.0);
        });
    }

    /**
     * P(a) = .6, P(b) = .4; after a: eos .5, c .45, a .05; after b: eos .5, c .3, a .2; then eos.
     * Ended hypotheses with beam 2: [a] P .30 (2 steps), [a c] P .27 (3 steps), [b c] P .12 (3
     * steps); [b] (.20) ranks third at step 2 and is not taken.
     */
    static FakeModels.TableModel lengthTrap() {
        return new FakeModels.TableModel(g -> {
            if (g.length == 0) {
                return p(A, .6, B, .4);
            }
            if (g.length == 1 && g[0] == A) {
                return p(EOS, .5, C, .45, A, .05);
            }
            if (g.length == 1 && g[0] == B) {
                return p(EOS, .5, C, .3, A, .2);
            }
            return p(EOS, 1.0);
        });
    }

    /**
     * A confident model: P(a) = .9, P(eos) = .06, P(b) = .04; after a: c .9, eos .05, b .05; after b:
     * eos .5, a .5; after a c, a b, b a: eos. Greedy: [a c], P = .81.
     */
    static FakeModels.TableModel prematureStop() {
        return new FakeModels.TableModel(g -> {
            if (g.length == 0) {
                return p(A, .9, EOS, .06, B, .04);
            }
            if (g.length == 1 && g[0] == A) {
                return p(C, .9, EOS, .05, B, .05);
            }
            if (g.length == 1 && g[0] == B) {
                return p(EOS, .5, A, .5);
            }
            return p(EOS, 1.0);
        });
    }

    @Test
    void earlyStopEndsOnPoorHypothesesThatEndedFirst() {
        // Step 1: a .9 (live), eos .06 (rank 1: [] ends), b .04 (live). Step 2: a-c .81 (live),
        // a-eos .045 (rank 1: [a] ends), a-b .045, b-eos .02, b-a .02: two ended, done; [a c] is lost.
        List<Hypothesis> n = BeamSearch.builder().optBeamSize(2).build().decode(prematureStop(), ONE_SOURCE).get(0);
        assertArrayEquals(new int[0], n.get(0).tokens());
        assertEquals(sum(.06), n.get(0).score(), 0.0);
        assertArrayEquals(new int[] {A}, n.get(1).tokens());
    }

    @Test
    void withoutEarlyStopALiveBeamThatCanWinGoesOn() {
        // After step 2 the 2nd best ended score is ln .045 and the live [a c] holds ln .81 > it: go on.
        // Step 3: a-c-eos .81 (rank 0) and a-b-eos .045 (rank 1) end; no live beam is left.
        FakeModels.TableModel model = prematureStop();
        List<Hypothesis> n = BeamSearch.builder().optBeamSize(2).optEarlyStop(false).build()
                .decode(model, ONE_SOURCE).get(0);
        assertEquals(2, n.size());
        assertArrayEquals(new int[] {A, C}, n.get(0).tokens());
        assertEquals(sum(.9, .9, 1.0), n.get(0).logProb(), 0.0);
        assertArrayEquals(new int[0], n.get(1).tokens());
        assertEquals(0, model.ledger.open);
        // with a length penalty the bound divides by lp(maxLength + 1) and the search still finds it
        List<Hypothesis> penalised = BeamSearch.builder().optBeamSize(2).optEarlyStop(false).optLengthPenalty(1.0)
                .optMaxLength(4).build().decode(prematureStop(), ONE_SOURCE).get(0);
        assertArrayEquals(new int[] {A, C}, penalised.get(0).tokens());
        // the beams of greedyTrap cannot beat what ended: the result is the early-stop one
        List<Hypothesis> trap = BeamSearch.builder().optBeamSize(2).optEarlyStop(false).build()
                .decode(greedyTrap(), ONE_SOURCE).get(0);
        assertArrayEquals(new int[] {B}, trap.get(0).tokens());
        assertArrayEquals(new int[] {A}, trap.get(1).tokens());
    }

    @Test
    void greedyFallsIntoTheTrap() {
        FakeModels.TableModel model = greedyTrap();
        Hypothesis h = GreedySearch.builder().build().decode(model, ONE_SOURCE).get(0).get(0);
        assertArrayEquals(new int[] {A}, h.tokens());
        assertEquals(sum(.6, .4), h.logProb(), 0.0); // ln .24 = -1.4271164
        assertEquals(-1.4271164, h.score(), 1e-6);
        assertTrue(h.finished());
        assertEquals(0, model.ledger.open);
    }

    @Test
    void beamTwoFindsTheBetterSequence() {
        // Step 2 ranking: b-eos .36, a-eos .24 (both in the first 2 ranks: 2 ended, done),
        // a-c .21, a-a .15 (live, dropped when the sentence is done).
        FakeModels.TableModel model = greedyTrap();
        List<Hypothesis> n = BeamSearch.builder().optBeamSize(2).build().decode(model, ONE_SOURCE).get(0);
        assertEquals(2, n.size());
        assertArrayEquals(new int[] {B}, n.get(0).tokens());
        assertEquals(sum(.4, .9), n.get(0).score(), 0.0); // ln .36 = -1.0216512
        assertEquals(-1.0216512, n.get(0).score(), 1e-6);
        assertArrayEquals(new int[] {A}, n.get(1).tokens());
        assertEquals(sum(.6, .4), n.get(1).score(), 0.0); // ln .24 = -1.4271164
        assertEquals(0, model.ledger.open);
    }

    @Test
    void beamTwoWithLengthPenaltyDividesByLp() {
        // Both hypotheses take 2 steps: lp = ((5 + 2) / 6)^1 = 7/6.
        // [b]: -1.0216512 * 6/7 = -0.8757011; [a]: -1.4271164 * 6/7 = -1.2232426
        List<Hypothesis> n = BeamSearch.builder().optBeamSize(2).optLengthPenalty(1.0).build()
                .decode(greedyTrap(), ONE_SOURCE).get(0);
        assertArrayEquals(new int[] {B}, n.get(0).tokens());
        assertEquals(sum(.4, .9) / (7.0 / 6.0), n.get(0).score(), 1e-15);
        assertEquals(-0.8757011, n.get(0).score(), 1e-6);
        assertEquals(sum(.4, .9), n.get(0).logProb(), 0.0);
        assertArrayEquals(new int[] {A}, n.get(1).tokens());
        assertEquals(-1.2232426, n.get(1).score(), 1e-6);
    }

    @Test
    void withoutLengthPenaltyTheShortHypothesisWins() {
        // Step 2 ranking: a-eos .30 (rank 0, ends), a-c .27 (live), b-eos .20 (rank 2: not taken),
        // b-c .12 (live). Step 3: a-c-eos .27 and b-c-eos .12 end: 3 ended >= 2, done.
        // Scores = raw: [a] ln .30 = -1.2039728, [a c] ln .27 = -1.3093333, [b c] ln .12.
        FakeModels.TableModel model = lengthTrap();
        List<Hypothesis> n = BeamSearch.builder().optBeamSize(2).build().decode(model, ONE_SOURCE).get(0);
        assertEquals(2, n.size());
        assertArrayEquals(new int[] {A}, n.get(0).tokens());
        assertEquals(sum(.6, .5), n.get(0).score(), 0.0);
        assertEquals(-1.2039728, n.get(0).score(), 1e-6);
        assertArrayEquals(new int[] {A, C}, n.get(1).tokens());
        assertEquals(sum(.6, .45, 1.0), n.get(1).score(), 0.0);
        assertEquals(-1.3093333, n.get(1).score(), 1e-6);
        assertEquals(0, model.ledger.open);
    }

    @Test
    void lengthPenaltyMakesTheLongerHypothesisWin() {
        // alpha = 1: [a] -1.2039728 / (7/6) = -1.0319767; [a c] -1.3093333 / (8/6) = -0.9820000;
        // [b c] ln .12 / (8/6) = -2.1202635 / (4/3) = -1.5901976. Best two: [a c], [a].
        List<Hypothesis> n = BeamSearch.builder().optBeamSize(2).optLengthPenalty(1.0).build()
                .decode(lengthTrap(), ONE_SOURCE).get(0);
        assertEquals(2, n.size());
        assertArrayEquals(new int[] {A, C}, n.get(0).tokens());
        assertEquals(sum(.6, .45, 1.0) / (8.0 / 6.0), n.get(0).score(), 1e-15);
        assertEquals(-0.9820000, n.get(0).score(), 1e-6);
        assertEquals(3, n.get(0).steps());
        assertArrayEquals(new int[] {A}, n.get(1).tokens());
        assertEquals(-1.0319767, n.get(1).score(), 1e-6);
        // beam 3 also keeps [b c]
        List<Hypothesis> three = BeamSearch.builder().optBeamSize(3).optLengthPenalty(1.0).build()
                .decode(lengthTrap(), ONE_SOURCE).get(0);
        assertEquals(3, three.size());
        assertArrayEquals(new int[] {A, C}, three.get(0).tokens());
    }
}
