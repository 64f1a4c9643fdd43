package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDManager;
import dev.seqtoolkit.core.data.Batch;
import dev.seqtoolkit.core.decode.BeamSearch;
import dev.seqtoolkit.core.decode.GreedySearch;
import dev.seqtoolkit.core.decode.Hypothesis;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.text.ExtendedVocabulary;
import dev.seqtoolkit.core.text.Vocabulary;
import dev.seqtoolkit.core.train.AdamOptimizer;
import dev.seqtoolkit.core.train.BatchSource;
import dev.seqtoolkit.core.train.GradientClipping;
import dev.seqtoolkit.core.train.LearningRateSchedule;
import dev.seqtoolkit.core.train.ToolkitTrainer;
import dev.seqtoolkit.core.train.TrainingResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy + coverage model learns to copy sentences of which about half the words are outside its
 * 8-word vocabulary, then copies sentences whose unknown words it never saw, back to their text. The
 * unknown words all reach the network as {@code <unk>}: only pointing at their positions can
 * reproduce them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CopyTaskTest {
    private static final int BATCH = 32;
    private static final int STEPS = 150;
    private static final Vocabulary VOCABULARY = Vocabulary.of(List.of(Vocabulary.PAD, Vocabulary.UNK,
            Vocabulary.BOS, Vocabulary.EOS, "w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7"));

    private NDManager manager;
    private Seq2SeqModel model;
    private double trainLoss;

    /** 3 to 6 words, each a vocabulary word or (even odds) a new 4-letter word starting with {@code prefix}. */
    static List<String> sentence(Random random, String prefix) {
        int length = 3 + random.nextInt(4);
        List<String> words = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            if (random.nextBoolean()) {
                words.add("w" + random.nextInt(8));
            } else {
                StringBuilder w = new StringBuilder(prefix);
                for (int k = 0; k < 4; k++) {
                    w.append((char) ('a' + random.nextInt(26)));
                }
                words.add(w.toString());
            }
        }
        return words;
    }

    @BeforeAll
    void train() throws IOException {
        manager = Engines.newManager();
        Engines.engine().setRandomSeed(20261123);
        int v = VOCABULARY.size();
        Seq2SeqConfig config = Seq2SeqConfig.builder().setSourceVocabSize(v).setTargetVocabSize(v)
                .setEmbeddingSize(16).setEncoderHiddenSize(16).setDecoderHiddenSize(32)
                .optAttention(Seq2SeqConfig.AttentionType.ADDITIVE, 16).optCopy(true).optCoverage(true).build();
        model = Seq2SeqModel.create(config, manager);
        BatchSource<Batch> data = epoch -> {
            Random random = new Random(100 + epoch);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Batch next() {
                    List<int[]> sources = new ArrayList<>();
                    List<int[]> targets = new ArrayList<>();
                    for (int i = 0; i < BATCH; i++) {
                        List<String> words = sentence(random, "t");
                        ExtendedVocabulary extended = ExtendedVocabulary.of(VOCABULARY, words);
                        sources.add(extended.sourceIds());
                        targets.add(extended.encodeTarget(words));
                    }
                    return Batch.parallel(sources, targets);
                }
            };
        };
        TrainingResult result = ToolkitTrainer.<Batch>builder()
                .setTask(new Seq2SeqTask(model, BATCH, 6, 7))
                .setTrainingData(data)
                .setOptimizer(AdamOptimizer.builder().build())
                .setSchedule(LearningRateSchedule.fixed(0.01f))
                .optClipping(GradientClipping.byGlobalNorm(1f))
                .setEpochs(1)
                .optMaxSteps(STEPS)
                .optProgressBar(false)
                .optPlot(false)
                .build()
                .fit();
        trainLoss = result.finalTrainLoss();
    }

    @AfterAll
    void close() {
        manager.close();
    }

    @Test
    void copiesWordsItNeverSaw() {
        Random random = new Random(7);
        List<List<String>> sentences = new ArrayList<>();
        List<ExtendedVocabulary> extended = new ArrayList<>();
        List<int[]> sources = new ArrayList<>();
        int unknown = 0;
        for (int i = 0; i < 60; i++) {
            List<String> words = sentence(random, "zz"); // the training words start with "t"
            ExtendedVocabulary e = ExtendedVocabulary.of(VOCABULARY, words);
            unknown += e.unknownWords().size();
            sentences.add(words);
            extended.add(e);
            sources.add(e.sourceIds());
        }
        List<List<Hypothesis>> decoded;
        try (DjlStepModel step = DjlStepModel.of(model, manager)) {
            decoded = GreedySearch.builder().optMaxLength(10).build().decode(step, sources);
        }
        int correct = 0;
        for (int i = 0; i < sentences.size(); i++) {
            Hypothesis h = decoded.get(i).get(0);
            if (h.finished() && extended.get(i).tokens(h.tokens()).equals(sentences.get(i))) {
                correct++;
            }
        }
        double accuracy = correct / (double) sentences.size();
        System.out.printf("copy task: train loss %.4f, %d unknown words, exact copies %.3f%n", trainLoss, unknown,
                accuracy);
        assertTrue(unknown > 60, "the test sentences hold " + unknown + " unknown words");
        assertTrue(accuracy >= 0.9, "exact copies " + accuracy + " (train loss " + trainLoss + ")");
    }

    @Test
    void beamOneEqualsGreedyOverTheExtendedVocabulary() {
        Random random = new Random(11);
        List<int[]> sources = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sources.add(ExtendedVocabulary.of(VOCABULARY, sentence(random, "q")).sourceIds());
        }
        try (DjlStepModel step = DjlStepModel.of(model, manager)) {
            List<List<Hypothesis>> greedy = GreedySearch.builder().optMaxLength(10).build().decode(step, sources);
            List<List<Hypothesis>> beam = BeamSearch.builder().optBeamSize(1).optMaxLength(10).build()
                    .decode(step, sources);
            for (int i = 0; i < sources.size(); i++) {
                Hypothesis g = greedy.get(i).get(0);
                Hypothesis b = beam.get(i).get(0);
                assertArrayEquals(g.tokens(), b.tokens(), "sentence " + i);
                assertEquals(g.finished(), b.finished(), "sentence " + i);
                assertEquals(g.logProb(), b.logProb(), 1e-4, "sentence " + i);
            }
        }
    }
}
