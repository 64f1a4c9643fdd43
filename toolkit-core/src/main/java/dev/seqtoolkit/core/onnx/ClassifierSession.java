package dev.seqtoolkit.core.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a classifier graph written by {@link ClassifierExporter} on {@link HierarchicalBatch}es (the
 * one-level graph reads batches with one sentence per text) and returns the scores in the layout of
 * the DJL classifiers.
 *
 * <p>Immutable and, like {@link OnnxModel}, safe for concurrent use: every call brings its own
 * tensors. Closing the underlying {@link OnnxModel} is the caller's job.
 */
public final class ClassifierSession {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OnnxModel model;
    private final int levels;
    private final int vocabularySize;
    private final int classes;
    private final String wordPooling;
    private final String sentencePooling;

    private ClassifierSession(OnnxModel model, int levels, int vocabularySize, int classes, String wordPooling,
            String sentencePooling) {
        this.model = model;
        this.levels = levels;
        this.vocabularySize = vocabularySize;
        this.classes = classes;
        this.wordPooling = wordPooling;
        this.sentencePooling = sentencePooling;
    }

    /**
     * Wraps a loaded model after reading its {@value ClassifierExporter#CONFIG_KEY} metadata and
     * checking its format, inputs and outputs.
     *
     * @throws InvalidModelException if the configuration is missing or unreadable (SIGNATURE_MISMATCH),
     *     the format is not {@value ClassifierExporter#FORMAT} (UNSUPPORTED_VERSION), or the signature differs
     */
    public static ClassifierSession open(OnnxModel model) throws InvalidModelException {
        String json = model.metadata(ClassifierExporter.CONFIG_KEY).orElseThrow(() -> new InvalidModelException(
                InvalidModelException.Reason.SIGNATURE_MISMATCH, model.file(), "no '" + ClassifierExporter.CONFIG_KEY
                        + "' metadata; not a classifier graph from ClassifierExporter", null));
        String format = model.metadata(ClassifierExporter.FORMAT_KEY).orElse("missing");
        if (!Integer.toString(ClassifierExporter.FORMAT).equals(format)) {
            throw new InvalidModelException(InvalidModelException.Reason.UNSUPPORTED_VERSION, model.file(),
                    "classifier graph format " + format + " (" + ClassifierExporter.FORMAT_KEY + "); this toolkit reads "
                            + "format " + ClassifierExporter.FORMAT, null);
        }
        int levels;
        int v;
        int c;
        String word;
        String sentence;
        try {
            JsonNode config = JSON.readTree(json);
            levels = config.required("levels").asInt();
            v = config.required("vocabularySize").asInt();
            c = config.required("classes").asInt();
            word = config.required("wordPooling").asText();
            sentence = levels == 2 ? config.required("sentencePooling").asText() : null;
            if ((levels != 1 && levels != 2) || v <= 0 || c <= 0) {
                throw new IllegalArgumentException("levels must be 1 or 2 and the sizes positive");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidModelException(InvalidModelException.Reason.SIGNATURE_MISMATCH, model.file(),
                    "unreadable '" + ClassifierExporter.CONFIG_KEY + "' metadata " + json + ": " + e.getMessage(), e);
        }
        model.requireSignature(signature(levels, "ATTENTION".equals(word), "ATTENTION".equals(sentence)));
        return new ClassifierSession(model, levels, v, c, word, sentence);
    }

    /** The inputs and outputs a classifier graph of this shape has. */
    static OnnxModel.Signature signature(int levels, boolean wordAttention, boolean sentenceAttention) {
        Map<String, Integer> in = new HashMap<>();
        Map<String, Integer> out = new HashMap<>();
        out.put(ClassifierExporter.LOGITS, 2);
        out.put(ClassifierExporter.PROBABILITIES, 2);
        if (levels == 1) {
            in.put(ClassifierExporter.WORD_IDS, 2);
            in.put(ClassifierExporter.WORD_LENGTHS, 1);
            if (wordAttention) {
                out.put(ClassifierExporter.WORD_ATTENTION, 2);
            }
        } else {
            in.put(ClassifierExporter.WORD_IDS, 3);
            in.put(ClassifierExporter.WORD_LENGTHS, 2);
            in.put(ClassifierExporter.SENTENCE_COUNTS, 1);
            if (wordAttention) {
                out.put(ClassifierExporter.WORD_ATTENTION, 3);
            }
            if (sentenceAttention) {
                out.put(ClassifierExporter.SENTENCE_ATTENTION, 2);
            }
        }
        return OnnxModel.Signature.of(in, out);
    }

    /** 1 (sentence classifier) or 2 (hierarchical). */
    public int levels() {
        return levels;
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    public int classes() {
        return classes;
    }

    /** The word level's pooling: ATTENTION, MAX, MEAN or LAST. */
    public String wordPooling() {
        return wordPooling;
    }

    /** The sentence level's pooling; null for one level. */
    public String sentencePooling() {
        return sentencePooling;
    }

    public OnnxModel model() {
        return model;
    }

    /**
     * Classifies a batch.
     *
     * @throws IllegalArgumentException if a one-level graph gets more than one sentence per text, or an
     *     id is outside the vocabulary (naming the document, sentence and position)
     */
    public Scores run(HierarchicalBatch batch) throws OrtException {
        int docs = batch.size();
        int maxSentences = batch.maxSentences();
        int maxWords = batch.maxWords();
        if (levels == 1 && batch.sentenceCount() != docs) {
            throw new IllegalArgumentException("the sentence classifier reads one sentence per text, got "
                    + batch.sentenceCount() + " sentences for " + docs + " texts");
        }
        int[][][] cube = batch.idsCube(); // (docs, maxSentences, maxWords)
        int[] counts = batch.sentenceCounts();
        int[] packedLengths = batch.sentenceLengths();
        long[] ids = new long[docs * maxSentences * maxWords];
        long[] lengths = new long[docs * maxSentences];
        int row = 0;
        for (int d = 0; d < docs; d++) {
            for (int s = 0; s < maxSentences; s++) {
                for (int i = 0; i < maxWords; i++) {
                    int id = cube[d][s][i];
                    if (id < 0 || id >= vocabularySize) {
                        throw new IllegalArgumentException("word id " + id + " of document " + d + ", sentence " + s
                                + ", position " + i + " is outside the vocabulary [0, " + vocabularySize + ")");
                    }
                    ids[(d * maxSentences + s) * maxWords + i] = id;
                }
                if (s < counts[d]) {
                    lengths[d * maxSentences + s] = packedLengths[row++];
                }
            }
        }
        OrtEnvironment env = model.environment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            if (levels == 1) {
                inputs.put(ClassifierExporter.WORD_IDS,
                        OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {docs, maxWords}));
                inputs.put(ClassifierExporter.WORD_LENGTHS,
                        OnnxTensor.createTensor(env, LongBuffer.wrap(lengths), new long[] {docs}));
            } else {
                long[] sentenceCounts = new long[docs];
                for (int d = 0; d < docs; d++) {
                    sentenceCounts[d] = counts[d];
                }
                inputs.put(ClassifierExporter.WORD_IDS,
                        OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {docs, maxSentences, maxWords}));
                inputs.put(ClassifierExporter.WORD_LENGTHS,
                        OnnxTensor.createTensor(env, LongBuffer.wrap(lengths), new long[] {docs, maxSentences}));
                inputs.put(ClassifierExporter.SENTENCE_COUNTS,
                        OnnxTensor.createTensor(env, LongBuffer.wrap(sentenceCounts), new long[] {docs}));
            }
            try (OrtSession.Result result = model.run(inputs)) {
                float[] logits = read(result, ClassifierExporter.LOGITS, docs * classes);
                float[] probabilities = read(result, ClassifierExporter.PROBABILITIES, docs * classes);
                float[] words = null;
                if ("ATTENTION".equals(wordPooling)) {
                    float[] cubeWeights = read(result, ClassifierExporter.WORD_ATTENTION, docs * maxSentences * maxWords);
                    words = packed(cubeWeights, counts, batch.sentenceCount(), maxSentences, maxWords);
                }
                float[] sentences = "ATTENTION".equals(sentencePooling)
                        ? read(result, ClassifierExporter.SENTENCE_ATTENTION, docs * maxSentences)
                        : null;
                return new Scores(docs, classes, logits, probabilities, words, sentences);
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** The rows of real sentences of a {@code (docs, maxSentences, maxWords)} cube, in document order. */
    private static float[] packed(float[] cube, int[] counts, int sentences, int maxSentences, int maxWords) {
        float[] out = new float[sentences * maxWords];
        int row = 0;
        for (int d = 0; d < counts.length; d++) {
            for (int s = 0; s < counts[d]; s++, row++) {
                System.arraycopy(cube, (d * maxSentences + s) * maxWords, out, row * maxWords, maxWords);
            }
        }
        return out;
    }

    private static float[] read(OrtSession.Result result, String name, int expected) throws OrtException {
        OnnxTensor tensor = (OnnxTensor) result.get(name).orElseThrow(
                () -> new IllegalStateException("The model returned no '" + name + "' output"));
        FloatBuffer buffer = tensor.getFloatBuffer();
        if (buffer.remaining() != expected) {
            throw new IllegalStateException("Output '" + name + "' has " + buffer.remaining() + " values, expected "
                    + expected + " (shape " + Arrays.toString(tensor.getInfo().getShape()) + ")");
        }
        float[] values = new float[expected];
        buffer.get(values);
        return values;
    }

    /**
     * A batch's scores, in the layout of the DJL classifiers' output.
     *
     * @param logits {@code (docs, classes)} row-major
     * @param probabilities {@code (docs, classes)}, the softmax of the logits
     * @param wordWeights word attention {@code (sentences, maxWords)} over the batch's real sentences in
     *     document order (its packed rows), 0 at padding; null without word attention
     * @param sentenceWeights sentence attention {@code (docs, maxSentences)}, 0 at padding; null for one
     *     level or without sentence attention
     */
    public record Scores(int docs, int classes, float[] logits, float[] probabilities, float[] wordWeights,
            float[] sentenceWeights) {}
}
