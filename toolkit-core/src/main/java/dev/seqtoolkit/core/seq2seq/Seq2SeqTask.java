package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.data.Batch;
import dev.seqtoolkit.core.decode.SpecialIds;
import dev.seqtoolkit.core.loss.CrossEntropy;
import dev.seqtoolkit.core.train.LossResult;
import dev.seqtoolkit.core.train.TrainingTask;
import dev.seqtoolkit.core.train.Units;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Trains a {@link Seq2SeqModel} on parallel {@link Batch}es with teacher forcing: the summed,
 * target-masked cross-entropy of {@code y <eos>} given {@code <bos> y}, label-smoothed as configured.
 * Units are target tokens ({@code |y| + 1} per sentence, the {@code <eos>} included).
 *
 * <p>With copy the batch holds extended ids on both sides (one shared vocabulary, see {@link
 * dev.seqtoolkit.core.text.ExtendedVocabulary}); the model reads them as {@code <unk>} and the loss
 * is the negative log of the pointer-generator's {@code P(target)} ({@link PointerGenerator#loss}). A
 * target's extended id must occur in its own source (else it could never be produced: the batch is
 * refused, naming row and position). With coverage, {@code coverageWeight * sum_t sum_i min(a_t,i,
 * c_t,i)} over unmasked positions is added to the sum.
 */
public final class Seq2SeqTask implements TrainingTask<Batch> {

    private final Seq2SeqModel model;
    private final CrossEntropy loss;
    private final Shape[] inputShapes;

    /**
     * @param model an initialised model
     * @param batchSize the batch size used for the trainer's shape initialisation
     * @param sourceLength a representative source length (for initialisation only)
     * @param targetLength a representative target length (for initialisation only)
     */
    public Seq2SeqTask(Seq2SeqModel model, int batchSize, int sourceLength, int targetLength) {
        this.model = Objects.requireNonNull(model, "model");
        if (batchSize <= 0 || sourceLength <= 0 || targetLength <= 0) {
            throw new IllegalArgumentException("batchSize, sourceLength and targetLength must be positive, got "
                    + batchSize + ", " + sourceLength + ", " + targetLength);
        }
        float eps = model.config().labelSmoothing();
        this.loss = eps > 0 ? CrossEntropy.smoothed(eps) : CrossEntropy.plain();
        this.inputShapes = new Shape[] {
            new Shape(batchSize, sourceLength), new Shape(batchSize), new Shape(batchSize, targetLength)
        };
    }

    public Seq2SeqModel model() {
        return model;
    }

    @Override
    public Block block() {
        return model;
    }

    @Override
    public Shape[] inputShapes() {
        return inputShapes.clone();
    }

    @Override
    public Units units() {
        return Units.TOKENS;
    }

    @Override
    public LossResult loss(NDManager stepManager, ParameterStore ps, Batch batch, boolean training) {
        if (!batch.hasTarget()) {
            throw new IllegalArgumentException("Seq2SeqTask needs parallel batches; got " + batch);
        }
        Seq2SeqConfig config = model.config();
        NDArray lengths = batch.lengths(stepManager); // (batch)
        NDArray targetMask = batch.targetMask(stepManager); // (batch, tgtLen)
        NDArray sum;
        Seq2SeqOutput out;
        if (config.copy()) {
            int v = config.targetVocabSize();
            int[][] sources = batch.idsMatrix();
            int[] sourceLengths = batch.lengths();
            int[][] targetIn = batch.targetInputMatrix();
            int[][] targetOut = batch.targetOutputMatrix();
            int[] targetLengths = batch.targetLengths();
            List<int[]> extended = new ArrayList<>(sources.length);
            for (int r = 0; r < sources.length; r++) {
                int[] row = Arrays.copyOf(sources[r], sourceLengths[r]);
                PointerGenerator.extendedSize(row, v, "source " + r + " of the batch");
                checkTargets(targetOut[r], targetLengths[r], row, v, r);
                extended.add(row);
            }
            NDArray src = ids(stepManager, sources, v); // (batch, srcLen), extended ids -> <unk>
            NDArray targetInput = ids(stepManager, targetIn, v); // (batch, tgtLen)
            out = model.forwardTeacherForced(ps, src, lengths, targetInput, training);
            sum = PointerGenerator.loss(out, extended, targetOut, v, targetMask);
        } else {
            NDArray src = batch.ids(stepManager); // (batch, srcLen)
            NDArray targetInput = batch.targetInput(stepManager); // (batch, tgtLen)
            NDArray targetOutput = batch.targetOutput(stepManager); // (batch, tgtLen)
            out = model.forwardTeacherForced(ps, src, lengths, targetInput, training);
            sum = loss.sum(out.logits(), targetOutput, targetMask);
        }
        if (config.coverage()) {
            NDArray coverage = out.coverageLoss().mul(targetMask).sum(); // ()
            sum = sum.add(coverage.mul(config.coverageWeight()));
        }
        long units = 0;
        for (int length : batch.targetLengths()) {
            units += length;
        }
        return new LossResult(sum, units);
    }

    /** A padded id matrix as an INT32 array with every extended id mapped to {@code <unk>}. */
    private static NDArray ids(NDManager manager, int[][] rows, int vocabSize) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        int[] flat = new int[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(PointerGenerator.modelIds(rows[r], vocabSize), 0, flat, r * width, width);
        }
        return manager.create(flat, new Shape(rows.length, width));
    }

    /** Every extended target id of a row must be one of its source's ids. */
    private static void checkTargets(int[] target, int length, int[] source, int vocabSize, int row) {
        for (int t = 0; t < length; t++) {
            int y = target[t];
            if (y >= vocabSize && Arrays.stream(source).noneMatch(x -> x == y)) {
                throw new IllegalArgumentException("target " + row + " of the batch holds extended id " + y
                        + " at position " + t + ", which its source does not hold; a word outside the"
                        + " vocabulary that the source lacks must be <unk> (" + SpecialIds.UNK + ")");
            }
        }
    }
}
