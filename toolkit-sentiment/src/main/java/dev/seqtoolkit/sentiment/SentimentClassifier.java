package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.onnx.OnnxModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Sentence-level sentiment: embedding -> bidirectional LSTM (or GRU) -> attention pooling (or max,
 * mean, last) -> linear, over words from a whitespace or CoreNLP tokenizer.
 *
 * <pre>{@code
 * SentimentConfig config = SentimentClassifier.builder().setLabels(List.of("0", "1")).optEpochs(5).build();
 * try (SentimentClassifier c = SentimentClassifier.train(config, train, dev, TrainingOptions.defaults())) {
 *     Prediction p = c.predict("a gorgeous , witty , seductive movie .");
 *     Evaluation e = c.evaluate(test);
 *     c.save(Path.of("models/sst2"));
 *     c.export(Path.of("models/sst2-onnx")); // TextClassifier.load reads either directory
 * }
 * }</pre>
 * Thread-safe for prediction and evaluation, see {@link TextClassifier}.
 */
public final class SentimentClassifier extends TextClassifier {

    SentimentClassifier(Parts parts) {
        super(parts);
    }

    /** A config builder for the sentence architecture (labels required, every other field defaulted). */
    public static SentimentConfig.Builder builder() {
        return SentimentConfig.builder(SentimentConfig.Architecture.SENTENCE);
    }

    /**
     * Learns the vocabulary from {@code train}, trains with Adam, evaluates dev accuracy after every
     * epoch and stops early ({@code patience}), keeping the parameters of the best dev epoch.
     *
     * @throws IllegalArgumentException for a label outside the declared set (naming the example's
     *     source, e.g. {@code file:line}) or a HIERARCHICAL config
     */
    public static SentimentClassifier train(SentimentConfig config, List<LabeledText> train, List<LabeledText> dev,
            TrainingOptions options) throws IOException {
        if (config.architecture() != SentimentConfig.Architecture.SENTENCE) {
            throw new IllegalArgumentException("SentimentClassifier trains the SENTENCE architecture; config is "
                    + config.architecture() + " (use DocumentSentimentClassifier)");
        }
        return new SentimentClassifier(TextClassifier.trainParts(config, train, dev, options));
    }

    /**
     * Loads a bundle saved by {@link #save}, or an export written by {@link #export} (then it runs in
     * ONNX Runtime with {@link OnnxModel.Options#defaults()}).
     */
    public static SentimentClassifier load(Path directory) throws IOException {
        if (ClassifierOnnx.isExport(directory)) {
            return new SentimentClassifier(ClassifierOnnx.load(directory, OnnxModel.Options.defaults(),
                    SentimentConfig.Architecture.SENTENCE));
        }
        return new SentimentClassifier(SentimentBundle.load(directory, SentimentConfig.Architecture.SENTENCE));
    }
}
