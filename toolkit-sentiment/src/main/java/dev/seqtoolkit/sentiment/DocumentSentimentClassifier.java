package dev.seqtoolkit.sentiment;

import dev.seqtoolkit.core.onnx.OnnxModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Document-level sentiment with the hierarchical attention network of Yang et al. (2016): CoreNLP
 * splits the text into sentences; a word-level BiLSTM/BiGRU with attention makes sentence vectors; a
 * sentence-level BiLSTM/BiGRU with attention makes the document vector; a linear layer classifies.
 * Predictions carry word and sentence attention.
 *
 * <p><b>Length limit.</b> A document is read as at most {@code maxSentences} sentences of at most
 * {@code maxWordsPerSentence} words (defaults 64 and 100: at most 6,400 word positions per document,
 * whatever its length). With overflow TRUNCATE the rest is cut and counted in the {@link Prediction};
 * with REFUSE such a document fails with a {@link dev.seqtoolkit.core.hierarchy.DocumentTooLongException}.
 * Thread-safe for prediction and evaluation, see {@link TextClassifier}.
 */
public final class DocumentSentimentClassifier extends TextClassifier {

    DocumentSentimentClassifier(Parts parts) {
        super(parts);
    }

    /** A config builder for the hierarchical architecture (labels required, every other field defaulted). */
    public static SentimentConfig.Builder builder() {
        return SentimentConfig.builder(SentimentConfig.Architecture.HIERARCHICAL);
    }

    /** As {@link SentimentClassifier#train}, for a HIERARCHICAL config. */
    public static DocumentSentimentClassifier train(SentimentConfig config, List<LabeledText> train,
            List<LabeledText> dev, TrainingOptions options) throws IOException {
        if (config.architecture() != SentimentConfig.Architecture.HIERARCHICAL) {
            throw new IllegalArgumentException("DocumentSentimentClassifier trains the HIERARCHICAL architecture; "
                    + "config is " + config.architecture() + " (use SentimentClassifier)");
        }
        return new DocumentSentimentClassifier(TextClassifier.trainParts(config, train, dev, options));
    }

    /**
     * Loads a bundle saved by {@link #save}, or an export written by {@link #export} (then it runs in
     * ONNX Runtime with {@link OnnxModel.Options#defaults()}).
     */
    public static DocumentSentimentClassifier load(Path directory) throws IOException {
        if (ClassifierOnnx.isExport(directory)) {
            return new DocumentSentimentClassifier(ClassifierOnnx.load(directory, OnnxModel.Options.defaults(),
                    SentimentConfig.Architecture.HIERARCHICAL));
        }
        return new DocumentSentimentClassifier(
                SentimentBundle.load(directory, SentimentConfig.Architecture.HIERARCHICAL));
    }
}
