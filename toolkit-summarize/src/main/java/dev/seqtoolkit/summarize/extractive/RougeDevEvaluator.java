package dev.seqtoolkit.summarize.extractive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import dev.seqtoolkit.core.metrics.Rouge;
import dev.seqtoolkit.core.train.Evaluator;
import dev.seqtoolkit.summarize.SummaryLength;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dev metrics of an extractor after an epoch: {@code loss} (cross-entropy per sentence against the
 * oracle labels), and ROUGE of the top {@code k} sentences against the references: {@code rouge1},
 * {@code rouge2}, {@code rougeL} (summary-level, F1 each, mean over documents) and {@code rouge}
 * (their mean).
 */
final class RougeDevEvaluator implements Evaluator {
    private final SummaRunnerBlock network;
    private final List<ExtractiveBatch> batches;
    private final List<List<String>> sentences;
    private final List<List<String>> references;
    private final int k;
    private final Rouge rouge = Rouge.builder().build();

    /**
     * @param batches the dev batches (their example indices index the lists)
     * @param sentences each dev document's sentences the model reads
     * @param references each dev document's reference sentences
     * @param k sentences per summary
     */
    RougeDevEvaluator(SummaRunnerBlock network, List<ExtractiveBatch> batches, List<List<String>> sentences,
            List<List<String>> references, int k) {
        this.network = network;
        this.batches = batches;
        this.sentences = sentences;
        this.references = references;
        this.k = k;
    }

    @Override
    public Map<String, Double> evaluate(NDManager manager, ParameterStore ps) {
        double loss = 0;
        long units = 0;
        double[] f = new double[3];
        int docs = 0;
        for (ExtractiveBatch b : batches) {
            try (NDManager m = manager.newSubManager()) {
                NDArray logits = network.logits(ps, m, b.batch(), false);
                loss += SummaRunnerBlock.loss(logits, b.labels(m), b.mask(m)).toType(DataType.FLOAT64, false).getDouble();
                units += b.batch().sentenceCount();
                float[] p = Activation.sigmoid(logits).toFloatArray();
                int slots = b.batch().maxSentences();
                int[] examples = b.batch().exampleIndices();
                for (int d = 0; d < examples.length; d++) {
                    List<String> candidates = sentences.get(examples[d]);
                    double[] scores = new double[candidates.size()];
                    for (int j = 0; j < scores.length; j++) {
                        scores[j] = p[d * slots + j];
                    }
                    SentenceSelector.Choice choice =
                            SentenceSelector.choose(scores, candidates, SummaryLength.sentences(k), k);
                    Rouge.Scores s = rouge.score(choice.sentences(), references.get(examples[d]));
                    f[0] += s.rouge1().f1();
                    f[1] += s.rouge2().f1();
                    f[2] += s.rougeLsum().f1();
                    docs++;
                }
            }
        }
        if (docs == 0) {
            throw new IllegalStateException("the dev set is empty");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", loss / units);
        metrics.put("rouge1", f[0] / docs);
        metrics.put("rouge2", f[1] / docs);
        metrics.put("rougeL", f[2] / docs);
        metrics.put("rouge", (f[0] + f[1] + f[2]) / (3 * docs));
        return metrics;
    }
}
