package dev.seqtoolkit.core.decode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

import java.util.Arrays;
import java.util.List;

import static dev.seqtoolkit.core.decode.FakeModels.A;
import static dev.seqtoolkit.core.decode.FakeModels.B;
import static dev.seqtoolkit.core.decode.FakeModels.C;
import static dev.seqtoolkit.core.decode.FakeModels.p;
import static dev.seqtoolkit.core.decode.FakeModels.sum;
import static dev.seqtoolkit.core.decode.SpecialIds.EOS;
import static org.junit.jupiter.api.Assertions.*;

/** Greedy and beam search against seeded and hand-written fake models. */
class SearchTest {

    static final int VOCAB = 11;

    static void assertSameHypothesis(Hypothesis expected, Hypothesis actual, String where) {
        assertArrayEquals(expected.tokens(), actual.tokens(), where + " tokens");
        assertEquals(expected.score(), actual.score(), 0.0, where + " score");
        assertEquals(expected.logProb(), actual.logProb(), 0.0, where + " logProb");
        assertEquals(expected.finished(), actual.finished(), where + " finished");
        assertEquals(expected.attention() == null, actual.attention() == null, where + " attention");
        if (expected.attention() != null) {
            assertEquals(expected.attention().length, actual.attention().length, where + " attention steps");
            for (int i = 0; i < expected.attention().length; i++) {
                assertArrayEquals(expected.attention()[i], actual.attention()[i], 0f, where + " attention " + i);
            }
        }
    }

    /** Every hypothesis matches the model rescoring it alone: catches any misuse of reorder. */
    static void assertConsistentWithModel(FakeModels.FakeModel model, List<int[]> sources, List<List<Hypothesis>> out) {
        assertEquals(sources.size(), out.size());
        for (int s = 0; s < sources.size(); s++) {
            for (Hypothesis h : out.get(s)) {
                assertEquals(model.rescore(sources.get(s), h), h.logProb(), 0.0, "sentence " + s + " " + h);
                float[][] expected = model.reattend(sources.get(s), h);
                assertEquals(expected.length, h.attention().length);
                for (int i = 0; i < expected.length; i++) {
                    assertArrayEquals(expected[i], h.attention()[i], 0f, "attention of sentence " + s + " step " + i);
                }
            }
        }
        assertEquals(0, model.ledger.open, "every state closed");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void beamOneEqualsGreedyExactly(long seed) {
        List<int[]> sources = FakeModels.sources(seed, 3, 1, 6, 4, 2);
        int[][] options = {{0, 0, 12}, {2, 0, 12}, {0, 2, 12}, {1, 1, 5}};
        for (int[] o : options) {
            GreedySearch greedy = GreedySearch.builder().optMinLength(o[0]).optNoRepeatNgramSize(o[1]).optMaxLength(o[2]).build();
            BeamSearch beam = BeamSearch.builder().optBeamSize(1).optMinLength(o[0]).optNoRepeatNgramSize(o[1]).optMaxLength(o[2]).build();
            FakeModels.RandomModel gm = new FakeModels.RandomModel(VOCAB, seed);
            FakeModels.RandomModel bm = new FakeModels.RandomModel(VOCAB, seed);
            List<List<Hypothesis>> g = greedy.decode(gm, sources);
            List<List<Hypothesis>> b = beam.decode(bm, sources);
            for (int s = 0; s < sources.size(); s++) {
                assertEquals(1, g.get(s).size());
                assertEquals(1, b.get(s).size());
                assertSameHypothesis(g.get(s).get(0), b.get(s).get(0), "seed " + seed + " options " + Arrays.toString(o) + " sentence " + s);
            }
            assertConsistentWithModel(gm, sources, g);
            assertConsistentWithModel(bm, sources, b);
        }
    }

    @Test
    void greedyAndBeamDifferOnSomeSeededInput() {
        // guards the test above: on this model beam 4 must find something greedy does not
        boolean differs = false;
        for (long seed = 1; seed <= 6 && !differs; seed++) {
            List<int[]> sources = FakeModels.sources(seed, 3, 1, 6, 4, 2);
            List<List<Hypothesis>> g = GreedySearch.builder().build().decode(new FakeModels.RandomModel(VOCAB, seed), sources);
            List<List<Hypothesis>> b = BeamSearch.builder().optBeamSize(4).build().decode(new FakeModels.RandomModel(VOCAB, seed), sources);
            for (int s = 0; s < sources.size(); s++) {
                assertTrue(b.get(s).get(0).score() >= g.get(s).get(0).score(), "beam 4 never worse here");
                differs |= !Arrays.equals(g.get(s).get(0).tokens(), b.get(s).get(0).tokens());
            }
        }
        assertTrue(differs);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void batchedDecodingEqualsDecodingEachAlone(int beamSize) {
        List<int[]> sources = FakeModels.sources(11, 2, 5, 3, 7, 1);
        List<DecodeStrategy> strategies = List.of(
                GreedySearch.builder().optMaxLengthRelative(1.5, 2).build(),
                BeamSearch.builder().optBeamSize(beamSize).optLengthPenalty(0.6).optMaxLengthRelative(1.5, 2).build());
        for (DecodeStrategy strategy : strategies) {
            FakeModels.RandomModel batchModel = new FakeModels.RandomModel(VOCAB, 99);
            List<List<Hypothesis>> batched = strategy.decode(batchModel, sources);
            assertConsistentWithModel(batchModel, sources, batched);
            for (int s = 0; s < sources.size(); s++) {
                FakeModels.RandomModel alone = new FakeModels.RandomModel(VOCAB, 99);
                List<Hypothesis> single = strategy.decode(alone, List.of(sources.get(s))).get(0);
                assertEquals(single.size(), batched.get(s).size());
                for (int k = 0; k < single.size(); k++) {
                    assertSameHypothesis(single.get(k), batched.get(s).get(k), strategy.getClass().getSimpleName() + " sentence " + s + " #" + k);
                    assertTrue(single.get(k).tokens().length <= (int) Math.floor(1.5 * sources.get(s).length + 2));
                    // attention is cut to the sentence's own length, not the batch's padded width
                    for (float[] a : single.get(k).attention()) {
                        assertEquals(sources.get(s).length, a.length);
                    }
                }
            }
        }
    }

    @Test
    void beamStepsAllSentencesAsOneBatch() {
        List<int[]> sources = FakeModels.sources(5, 4, 4, 4);
        FakeModels.RandomModel model = new FakeModels.RandomModel(VOCAB, 5);
        BeamSearch.builder().optBeamSize(3).optMaxLength(6).build().decode(model, sources);
        assertEquals(9, model.ledger.maxRows, "3 sentences x 3 beams in one state");
        assertTrue(model.ledger.steps <= 6, "one step call per time step, got " + model.ledger.steps);
        assertEquals(0, model.ledger.open);
    }

    @Test
    void aStateWhoseReorderIsWrongIsCaught() {
        // the same fake, but reorder keeps rows in place: rescoring must expose it
        FakeModels.RandomModel model = new FakeModels.RandomModel(VOCAB, 3) {
            @Override
            public DecoderState encode(List<int[]> sourceIds) {
                FakeModels.FakeState real = (FakeModels.FakeState) super.encode(sourceIds);
                return new BrokenState(real);
            }

            @Override
            public StepOutput step(DecoderState state, int[] previousTokens) {
                StepOutput out = super.step(((BrokenState) state).real, previousTokens);
                return new StepOutput(new BrokenState((FakeModels.FakeState) out.nextState()), out.logProbs(),
                        out.vocabSize(), out.attention(), out.attentionWidth());
            }
        };
        List<int[]> sources = FakeModels.sources(3, 4, 6);
        List<List<Hypothesis>> out = BeamSearch.builder().optBeamSize(3).build().decode(model, sources);
        assertThrows(AssertionFailedError.class, () -> assertConsistentWithModel(model, sources, out));
    }

    /** Wraps a fake state; reorder takes the first rows instead of the requested ones. */
    static final class BrokenState implements DecoderState {
        final FakeModels.FakeState real;

        BrokenState(FakeModels.FakeState real) {
            this.real = real;
        }

        @Override
        public int rows() {
            return real.rows();
        }

        @Override
        public DecoderState reorder(int[] rowIndices) {
            int[] wrong = new int[rowIndices.length];
            for (int i = 0; i < wrong.length; i++) {
                wrong[i] = Math.min(i, real.rows() - 1);
            }
            return new BrokenState((FakeModels.FakeState) real.reorder(wrong));
        }

        @Override
        public void close() {
            real.close();
        }
    }

    @Test
    void nBestIsOrderedAndCounted() {
        List<int[]> sources = FakeModels.sources(8, 3, 5, 2, 6);
        FakeModels.RandomModel model = new FakeModels.RandomModel(VOCAB, 8);
        List<List<Hypothesis>> out = BeamSearch.builder().optBeamSize(4).optNBest(3).optLengthPenalty(0.8).build().decode(model, sources);
        assertConsistentWithModel(model, sources, out);
        for (List<Hypothesis> n : out) {
            assertEquals(3, n.size());
            for (int k = 1; k < n.size(); k++) {
                assertTrue(n.get(k - 1).score() >= n.get(k).score(), "ordered by score: " + n);
            }
            for (Hypothesis h : n) {
                double lp = Math.pow((5.0 + h.steps()) / 6.0, 0.8);
                assertEquals(h.logProb() / lp, h.score(), 1e-12);
            }
        }
        List<List<Hypothesis>> all = BeamSearch.builder().optBeamSize(4).build().decode(new FakeModels.RandomModel(VOCAB, 8), sources);
        for (List<Hypothesis> n : all) {
            assertEquals(4, n.size(), "n-best defaults to the beam size");
        }
        assertThrows(IllegalArgumentException.class, () -> BeamSearch.builder().optBeamSize(2).optNBest(3).build());
        assertThrows(IllegalArgumentException.class, () -> BeamSearch.builder().optBeamSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> BeamSearch.builder().optLengthPenalty(-1).build());
        assertThrows(IllegalArgumentException.class, () -> GreedySearch.builder().optMaxLength(-1).build());
    }

    /** Prefers eos at once: P(eos) = .6, P(a) = .4; after a: eos .6, a .3, b .1; after a a: eos .6, b .4. */
    static FakeModels.TableModel eager() {
        return new FakeModels.TableModel(g -> {
            if (g.length == 0) {
                return p(EOS, .6, A, .4);
            }
            if (g.length == 1) {
                return p(EOS, .6, A, .3, B, .1);
            }
            return p(EOS, .6, B, .4);
        });
    }

    static final List<int[]> SRC = List.of(new int[] {7, 8});

    @Test
    void minimumLengthBlocksEarlyEos() {
        Hypothesis free = GreedySearch.builder().build().decode(eager(), SRC).get(0).get(0);
        assertArrayEquals(new int[0], free.tokens());
        assertEquals(sum(.6), free.logProb(), 0.0);
        // min 2: a (.4), a (.3) while eos is blocked, then eos (.6)
        Hypothesis g = GreedySearch.builder().optMinLength(2).build().decode(eager(), SRC).get(0).get(0);
        assertArrayEquals(new int[] {A, A}, g.tokens());
        assertEquals(sum(.4, .3, .6), g.logProb(), 0.0);
        assertTrue(g.finished());
        List<Hypothesis> beam = BeamSearch.builder().optBeamSize(2).optMinLength(2).build().decode(eager(), SRC).get(0);
        assertArrayEquals(new int[] {A, A}, beam.get(0).tokens());
        assertEquals(sum(.4, .3, .6), beam.get(0).score(), 0.0);
        for (Hypothesis h : beam) {
            assertTrue(h.tokens().length >= 2, h.toString());
        }
        // relative minimum: floor(1.0 * 2 + 0) = 2 for this source
        Hypothesis r = GreedySearch.builder().optMinLengthRelative(1.0, 0).build().decode(eager(), SRC).get(0).get(0);
        assertArrayEquals(new int[] {A, A}, r.tokens());
    }

    /** Never wants to stop: a .5, b .3, eos .2 whatever the prefix. */
    static FakeModels.TableModel chatty() {
        return new FakeModels.TableModel(g -> p(A, .5, B, .3, EOS, .2));
    }

    @Test
    void maximumLengthTruncates() {
        Hypothesis g = GreedySearch.builder().optMaxLength(4).build().decode(chatty(), SRC).get(0).get(0);
        assertArrayEquals(new int[] {A, A, A, A}, g.tokens());
        assertFalse(g.finished());
        assertEquals(4, g.steps());
        assertEquals(sum(.5, .5, .5, .5), g.logProb(), 0.0);
        List<Hypothesis> beam = BeamSearch.builder().optBeamSize(3).optMaxLength(4).build().decode(chatty(), SRC).get(0);
        for (Hypothesis h : beam) {
            assertTrue(h.tokens().length <= 4, h.toString());
        }
        // Ranked by raw log-probability, the best ended hypothesis is eos right away (.2) vs
        // a a a a (.0625): check exact scores of both ends of the ranking.
        assertArrayEquals(new int[0], beam.get(0).tokens());
        assertEquals(sum(.2), beam.get(0).score(), 0.0);
        // relative: floor(0.5 * srcLen + 1): 2 tokens for a 2-token source, 4 for a 6-token one
        List<int[]> two = List.of(new int[] {7, 8}, new int[] {1, 2, 3, 4, 5, 6});
        List<List<Hypothesis>> rel = GreedySearch.builder().optMaxLengthRelative(0.5, 1).build().decode(chatty(), two);
        assertArrayEquals(new int[] {A, A}, rel.get(0).get(0).tokens());
        assertArrayEquals(new int[] {A, A, A, A}, rel.get(1).get(0).tokens());
        // the stricter of absolute and relative applies
        List<List<Hypothesis>> both = GreedySearch.builder().optMaxLength(3).optMaxLengthRelative(0.5, 1).build().decode(chatty(), two);
        assertEquals(2, both.get(0).get(0).tokens().length);
        assertEquals(3, both.get(1).get(0).tokens().length);
        // max 0: an empty unfinished hypothesis, and the model is never stepped for it
        FakeModels.TableModel m = chatty();
        Hypothesis zero = BeamSearch.builder().optBeamSize(2).optMaxLength(0).build().decode(m, SRC).get(0).get(0);
        assertArrayEquals(new int[0], zero.tokens());
        assertEquals(0, m.ledger.steps);
        assertEquals(0, m.ledger.open);
    }

    /** Repeats a b a b ...: after bos a .7; after a: b .7, eos .2, c .1; after b: a .7, eos .2, c .1. */
    static FakeModels.TableModel repetitive() {
        return new FakeModels.TableModel(g -> {
            int last = g.length == 0 ? -1 : g[g.length - 1];
            if (last == -1) {
                return p(A, .7, B, .2, EOS, .1);
            }
            if (last == A) {
                return p(B, .7, EOS, .2, C, .1);
            }
            if (last == B) {
                return p(A, .7, EOS, .2, C, .1);
            }
            return p(EOS, .9, A, .05, B, .05);
        });
    }

    @Test
    void ngramBlockingPreventsThePreferredRepeat() {
        Hypothesis free = GreedySearch.builder().optMaxLength(6).build().decode(repetitive(), SRC).get(0).get(0);
        assertArrayEquals(new int[] {A, B, A, B, A, B}, free.tokens());
        // n = 2: a b a, then b would repeat "a b": eos (.2) beats c (.1)
        Hypothesis two = GreedySearch.builder().optMaxLength(6).optNoRepeatNgramSize(2).build().decode(repetitive(), SRC).get(0).get(0);
        assertArrayEquals(new int[] {A, B, A}, two.tokens());
        assertEquals(sum(.7, .7, .7, .2), two.logProb(), 0.0);
        // n = 3: a b a b, then a would repeat "a b a"
        Hypothesis three = GreedySearch.builder().optMaxLength(6).optNoRepeatNgramSize(3).build().decode(repetitive(), SRC).get(0).get(0);
        assertArrayEquals(new int[] {A, B, A, B}, three.tokens());
        assertEquals(sum(.7, .7, .7, .7, .2), three.logProb(), 0.0);
        // beam: no hypothesis holds a repeated bigram. Here beam does better than greedy: [a] then
        // eos, P = .7 * .2 = .14, beats greedy's a b a (P = .7^3 * .2 = .0686).
        FakeModels.TableModel m = repetitive();
        List<Hypothesis> beam = BeamSearch.builder().optBeamSize(3).optMaxLength(6).optNoRepeatNgramSize(2).build().decode(m, SRC).get(0);
        for (Hypothesis h : beam) {
            assertFalse(FakeModels.hasRepeatedNgram(h.tokens(), 2), h.toString());
            assertEquals(m.rescore(SRC.get(0), h), h.logProb(), 0.0);
        }
        assertArrayEquals(new int[] {A}, beam.get(0).tokens());
        assertEquals(sum(.7, .2), beam.get(0).score(), 0.0);
        // step 1: a, b live; eos (.1, rank 2 < 3) ends []. Step 2: a-b .49 live, a-eos .14 ends,
        // b-a .14 and a-c .07 live. Step 3: a-b-a .343 live, a-b-eos .098 ends: 3 ended, done.
        assertEquals(3, beam.size());
        assertArrayEquals(new int[0], beam.get(1).tokens());
        assertEquals(sum(.1), beam.get(1).score(), 0.0);
        assertArrayEquals(new int[] {A, B}, beam.get(2).tokens());
        assertEquals(sum(.7, .7, .2), beam.get(2).score(), 0.0);
    }

    @Test
    void blockedTokensFindsEveryCompletion() {
        assertArrayEquals(new int[] {5}, BaseSearch.blockedTokens(new int[] {4, 5, 4}, 2));
        assertArrayEquals(new int[] {4, 5, 4}, BaseSearch.blockedTokens(new int[] {4, 5, 4}, 1));
        assertArrayEquals(new int[] {4}, BaseSearch.blockedTokens(new int[] {4, 5, 4, 5}, 3));
        assertArrayEquals(new int[] {5, 6}, BaseSearch.blockedTokens(new int[] {4, 5, 4, 6, 4}, 2));
        assertArrayEquals(new int[0], BaseSearch.blockedTokens(new int[] {4, 5}, 3));
        assertArrayEquals(new int[0], BaseSearch.blockedTokens(new int[] {4, 5, 6}, 0));
    }

    /** The definition GreedySearch.bestAllowed must agree with: the first allowed token of highest log-prob. */
    private static int bestAllowedByScan(float[] lp, int offset, int width, boolean eosBlocked, int[] blocked) {
        int best = -1;
        for (int t = 0; t < width; t++) {
            float v = lp[offset + t];
            if (BaseSearch.allowed(v, t, eosBlocked, blocked) && (best < 0 || v > lp[offset + best])) {
                best = t;
            }
        }
        return best;
    }

    @Test
    void greedyChoiceEqualsTheTokenByTokenScanWithTiesNanInfinitiesAndBlocking() {
        java.util.Random random = new java.util.Random(17);
        int width = 37;
        for (int trial = 0; trial < 5000; trial++) {
            float[] lp = new float[3 + width];
            for (int i = 0; i < lp.length; i++) {
                int kind = random.nextInt(10);
                lp[i] = kind == 0 ? Float.NEGATIVE_INFINITY : kind == 1 ? Float.NaN
                        : kind < 5 ? -random.nextInt(3) : (float) -random.nextDouble() * 4; // many ties
            }
            if (trial % 7 == 0) {
                java.util.Arrays.fill(lp, Float.NEGATIVE_INFINITY);
            }
            boolean eosBlocked = random.nextBoolean();
            int[] blocked = random.nextInt(3) == 0 ? new int[0]
                    : new int[] {random.nextInt(width), random.nextInt(width), SpecialIds.EOS};
            assertEquals(bestAllowedByScan(lp, 3, width, eosBlocked, blocked),
                    GreedySearch.bestAllowed(lp, 3, width, eosBlocked, blocked), "trial " + trial);
        }
    }

    @Test
    void greedyFromTopCandidatesEqualsGreedyFromFullRows() {
        assertCandidatesDecodeAsFullRows(seed -> GreedySearch.builder().optMinLength((int) (seed % 4))
                .optNoRepeatNgramSize((int) (seed % 3)).optMaxLength(14).build(),
                seed -> FakeModels.sources(seed, 3, 6, 1, 9, 4));
    }

    /**
     * Over 40 seeded random models, the search reading each step's top candidates gives every
     * hypothesis of the search reading full rows, leaves no state open, and does use candidates.
     */
    private static void assertCandidatesDecodeAsFullRows(java.util.function.LongFunction<DecodeStrategy> searches,
            java.util.function.LongFunction<List<int[]>> sourcesOf) {
        int candidateSteps = 0;
        for (long seed = 0; seed < 40; seed++) {
            FakeModels.RandomModel full = new FakeModels.RandomModel(11, seed);
            FakeModels.RandomModel top = new FakeModels.RandomModel(11, seed);
            top.candidates = true;
            DecodeStrategy search = searches.apply(seed);
            List<int[]> sources = sourcesOf.apply(seed);
            List<List<Hypothesis>> expected = search.decode(full, sources);
            List<List<Hypothesis>> actual = search.decode(top, sources);
            for (int i = 0; i < sources.size(); i++) {
                assertEquals(expected.get(i).size(), actual.get(i).size(), "seed " + seed + " sentence " + i);
                for (int h = 0; h < expected.get(i).size(); h++) {
                    assertSameHypothesis(expected.get(i).get(h), actual.get(i).get(h),
                            "seed " + seed + " sentence " + i + " hypothesis " + h);
                }
            }
            assertEquals(0, top.ledger.open, "states left open");
            candidateSteps += top.ledger.candidateSteps;
        }
        assertTrue(candidateSteps > 100, "candidate steps " + candidateSteps);
    }

    @Test
    void greedyFallsBackToFullRowsWhenCandidatesCannotDecide() {
        // the top candidate is NaN at the second step: the search asks for that step in full
        FakeModels.TableModel full = nanAtTheSecondStep();
        FakeModels.TableModel top = nanAtTheSecondStep();
        top.candidates = true;
        GreedySearch search = GreedySearch.builder().optMaxLength(4).build();
        assertSameHypothesis(search.decode(full, SRC).get(0).get(0), search.decode(top, SRC).get(0).get(0), "NaN");
        assertEquals(4, top.ledger.candidateSteps);
        assertEquals(5, top.ledger.steps, "four candidate steps and one full step again");
        assertEquals(0, top.ledger.open);
    }

    @Test
    void beamFromTopCandidatesEqualsBeamFromFullRows() {
        assertCandidatesDecodeAsFullRows(seed -> {
            int beam = 1 + (int) (seed % 5);
            return BeamSearch.builder().optBeamSize(beam).optNBest(Math.min(beam, 3))
                    .optMinLength((int) (seed % 4)).optNoRepeatNgramSize((int) (seed % 3)).optMaxLength(12)
                    .optLengthPenalty(seed % 2 == 0 ? 0.0 : 0.6).optEarlyStop(seed % 4 != 1).build();
        }, seed -> FakeModels.sources(seed, 3, 6, 1, 8));
    }

    @Test
    void beamFallsBackToFullRowsWhenCandidatesCannotDecide() {
        FakeModels.TableModel full = nanAtTheSecondStep();
        FakeModels.TableModel top = nanAtTheSecondStep();
        top.candidates = true;
        BeamSearch search = BeamSearch.builder().optBeamSize(2).optNBest(2).optMaxLength(4).build();
        List<Hypothesis> expected = search.decode(full, SRC).get(0);
        List<Hypothesis> actual = search.decode(top, SRC).get(0);
        assertEquals(expected.size(), actual.size());
        for (int h = 0; h < expected.size(); h++) {
            assertSameHypothesis(expected.get(h), actual.get(h), "hypothesis " + h);
        }
        assertTrue(top.ledger.steps > top.ledger.candidateSteps, "a step ran again in full");
        assertEquals(0, top.ledger.open);
    }

    /** a .5, b .3, eos .2 at every step, and a NaN on c, the top candidate, at the second step. */
    private static FakeModels.TableModel nanAtTheSecondStep() {
        return new FakeModels.TableModel(g -> g.length == 1 ? withNan(p(A, .5, B, .3, EOS, .2)) : p(A, .5, B, .3, EOS, .2));
    }

    private static float[] withNan(float[] lp) {
        float[] out = lp.clone();
        out[C] = Float.NaN;
        return out;
    }

    @Test
    void rowsWithoutAnyAllowedTokenStopUnfinished() {
        // vocabulary with only a and eos possible; n = 1 blocks a after one use, min length 2 blocks eos
        FakeModels.TableModel m = new FakeModels.TableModel(g -> p(A, .5, EOS, .5));
        Hypothesis g = GreedySearch.builder().optMinLength(2).optNoRepeatNgramSize(1).build().decode(m, SRC).get(0).get(0);
        assertArrayEquals(new int[] {A}, g.tokens());
        assertFalse(g.finished());
        assertEquals(sum(.5), g.logProb(), 0.0);
        Hypothesis b = BeamSearch.builder().optBeamSize(1).optMinLength(2).optNoRepeatNgramSize(1).build().decode(m, SRC).get(0).get(0);
        assertSameHypothesis(g, b, "beam 1");
        assertEquals(0, m.ledger.open);
    }

    @Test
    void emptyBatchAndEmptySource() {
        assertTrue(GreedySearch.builder().build().decode(chatty(), List.of()).isEmpty());
        assertTrue(BeamSearch.builder().build().decode(chatty(), List.of()).isEmpty());
        List<Hypothesis> n = BeamSearch.builder().optBeamSize(2).optMaxLengthRelative(1.0, 0).build()
                .decode(chatty(), List.of(new int[0])).get(0);
        assertEquals(1, n.size());
        assertArrayEquals(new int[0], n.get(0).tokens());
    }
}
