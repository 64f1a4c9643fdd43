package dev.seqtoolkit.sentiment;

import ai.djl.ndarray.NDArray;
import dev.seqtoolkit.core.lm.LanguageModel;
import dev.seqtoolkit.core.lm.LanguageModelConfig;
import dev.seqtoolkit.core.lm.TextLanguageModel;
import dev.seqtoolkit.core.nn.Embedding;
import dev.seqtoolkit.core.text.Vocabulary;

import java.nio.FloatBuffer;

/**
 * Initialises a classifier from a word-level language model trained with the toolkit's own
 * language-model code (Dai and Le 2015): the embedding row of every classifier word the language
 * model knows, and the weights of the language model's first recurrent layer into the forward
 * direction of the classifier's (word-level) encoder. The backward direction, the attention and the
 * output layer keep their fresh initialisation; everything is then fine-tuned.
 *
 * <p>How: train the language model with {@code LanguageModelTrainer.builder().optTokenizer(WORDS)
 * .optEmbeddingSize(E).optCell(C).optHiddenSize(H)} on the unlabelled in-domain text, preprocessed
 * as the classifier preprocesses it (lowercased, one text per line), with {@code E}, {@code C} and
 * {@code H} equal to the classifier's {@code embeddingSize}, {@code cell} and {@code hiddenSize};
 * then pass it to {@code train(..., pretrained)}. Mismatched sizes fail naming both values.
 *
 * @param copiedRows classifier words whose embedding row came from the language model
 * @param vocabularySize the classifier's vocabulary size
 */
public record Pretraining(int copiedRows, int vocabularySize) {

    /** Copies the weights; the network must be initialised. */
    static Pretraining copy(TextLanguageModel lm, ClassifierNetwork network, Vocabulary vocabulary) {
        LanguageModel model = lm.model();
        LanguageModelConfig c = model.config();
        Embedding target = network.embedding();
        if (model.embedding() == null) {
            throw new IllegalArgumentException("the language model reads one-hot input; pretraining needs an "
                    + "embedding (LanguageModelTrainer optEmbeddingSize > 0)");
        }
        if (c.embeddingSize() != target.dim()) {
            throw new IllegalArgumentException("the language model's embeddingSize is " + c.embeddingSize()
                    + " but the classifier's is " + target.dim());
        }
        if (c.isVariant()) {
            throw new IllegalArgumentException("the language model uses a gate variant; only standard cells copy");
        }
        if (c.cell() != network.wordEncoder().cellType() || c.hiddenSize() != network.wordEncoder().stateSize()) {
            throw new IllegalArgumentException("the language model's encoder is " + c.cell() + " " + c.hiddenSize()
                    + " but the classifier's word encoder is " + network.wordEncoder().cellType() + " "
                    + network.wordEncoder().stateSize() + " per direction");
        }
        Vocabulary lmVocabulary = lm.vocabulary();
        float[] source = model.embedding().weight().toFloatArray();
        NDArray table = target.weight();
        float[] rows = table.toFloatArray();
        int dim = target.dim();
        int copied = 0;
        for (int id = Vocabulary.RESERVED.size(); id < vocabulary.size(); id++) {
            String token = vocabulary.token(id);
            if (lmVocabulary.contains(token)) {
                System.arraycopy(source, lmVocabulary.index(token) * dim, rows, id * dim, dim);
                copied++;
            }
        }
        table.set(FloatBuffer.wrap(rows));
        network.wordEncoder().weights(0, 0).copyFrom(model.encoder().weights(0, 0));
        return new Pretraining(copied, vocabulary.size());
    }
}
