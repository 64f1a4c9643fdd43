package dev.seqtoolkit.sentiment;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.hierarchy.HierarchicalBatch;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.io.ExportConfig;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.onnx.ClassifierExporter;
import dev.seqtoolkit.core.onnx.ClassifierSession;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.text.Vocabulary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A classifier exported for ONNX Runtime: a directory usable on its own, from Java ({@link
 * TextClassifier#load}, {@link TextClassifier#loadOnnx}) or any other runtime.
 *
 * <pre>
 * classifier.onnx   {@link ClassifierExporter}'s graph (one level for SENTENCE, two for HIERARCHICAL); its
 *                   metadata_props hold the graph configuration and format, the sentiment config
 *                   ({@value #CONFIG_KEY}), the labels in output order as a JSON array ({@value #LABELS_KEY}),
 *                   the vocabulary's SHA-256 ({@value #VOCABULARY_SHA_KEY}) and the provenance ({@value #PROVENANCE_KEY})
 * classifier.json   {"format": "seqtoolkit-onnx-classifier", "version": 1, "task": "sentiment", "sentiment": SentimentConfig}
 * words.json        the vocabulary file ({"version", "sha256", "tokens": [id order]})
 * provenance.json   the same provenance as in the graph
 * </pre>
 *
 * <p>Another runtime reproduces the Java predictions by preparing text as the config says
 * (tokenizer, lowercasing, HTML breaks, limits), mapping words to ids with {@code words.json}
 * ({@code <unk>} = 1, an empty text as one {@code <unk>}) and feeding the graph's inputs. The
 * vocabulary sits beside the graph as plain JSON; the graph carries its hash, and loading refuses a
 * vocabulary that does not match. The directory is written under a temporary name and renamed into
 * place, replacing an earlier export only once the new one is complete.
 */
final class ClassifierOnnx {
    static final String FORMAT = "seqtoolkit-onnx-classifier";
    static final int VERSION = 1;
    static final String MODEL_FILE = "classifier.onnx";
    static final String CONFIG_FILE = "classifier.json";
    static final String WORDS_FILE = "words.json";
    static final String PROVENANCE_FILE = "provenance.json";
    static final String CONFIG_KEY = "seqtoolkit.sentiment.config";
    static final String LABELS_KEY = "seqtoolkit.sentiment.labels";
    static final String VOCABULARY_SHA_KEY = "seqtoolkit.sentiment.vocabularySha256";
    static final String PROVENANCE_KEY = "seqtoolkit.provenance";

    private ClassifierOnnx() {}

    /** Whether {@code directory} looks like an export (has {@value #CONFIG_FILE} and {@value #MODEL_FILE}). */
    static boolean isExport(Path directory) {
        return Files.isRegularFile(directory.resolve(CONFIG_FILE)) && Files.isRegularFile(directory.resolve(MODEL_FILE));
    }

    static void export(Path directory, TextClassifier classifier) throws IOException {
        SentimentConfig config = classifier.config();
        Vocabulary vocabulary = classifier.vocabulary();
        ObjectNode file = SentimentConfig.JSON.createObjectNode();
        file.put("format", FORMAT);
        file.put("version", VERSION);
        file.put("task", SentimentBundle.TASK);
        file.set("sentiment", config.toJsonTree());
        Provenance provenance = SentimentBundle.provenance(classifier, file.deepCopy()).addExtra("export", "onnx").build();
        ArrayNode labels = SentimentConfig.JSON.createArrayNode();
        config.labels().forEach(labels::add);
        ClassifierExporter exporter = classifier.network().onnxExporter()
                .putMetadata(CONFIG_KEY, config.toJsonTree().toString())
                .putMetadata(LABELS_KEY, labels.toString())
                .putMetadata(VOCABULARY_SHA_KEY, vocabulary.sha256())
                .putMetadata(PROVENANCE_KEY, new String(provenance.toJson(), StandardCharsets.UTF_8))
                .build();
        AtomicFiles.writeDirectory(directory, ClassifierOnnx::isExport, "an ONNX classifier export", tmp -> {
            exporter.save(tmp.resolve(MODEL_FILE));
            AtomicFiles.writeJson(tmp.resolve(CONFIG_FILE), file);
            vocabulary.save(tmp.resolve(WORDS_FILE));
            AtomicFiles.write(tmp.resolve(PROVENANCE_FILE), provenance.toJson());
        });
    }


    /**
     * Loads an export.
     *
     * @param expected the architecture the caller reads, or null for either
     * @throws IOException naming the file and the problem
     */
    static TextClassifier.Parts load(Path directory, OnnxModel.Options options, SentimentConfig.Architecture expected)
            throws IOException {
        Path configFile = directory.resolve(CONFIG_FILE);
        JsonNode tree = ExportConfig.read(configFile, FORMAT, VERSION, "classifier");
        if (!SentimentBundle.TASK.equals(tree.path("task").asText())) {
            throw new BundleException(configFile + ": not a sentiment model (task is '" + tree.path("task").asText() + "')");
        }
        SentimentConfig config;
        try {
            config = SentimentConfig.fromJsonTree(tree.path("sentiment"), configFile + " \"sentiment\"");
        } catch (IllegalArgumentException e) {
            throw new BundleException(e.getMessage(), e);
        }
        if (expected != null && config.architecture() != expected) {
            throw new BundleException(configFile + ": the model is " + config.architecture() + " but a " + expected
                    + " classifier was asked for; load it with "
                    + (config.architecture() == SentimentConfig.Architecture.HIERARCHICAL
                            ? "DocumentSentimentClassifier" : "SentimentClassifier"));
        }
        Vocabulary vocabulary = Vocabulary.load(directory.resolve(WORDS_FILE));
        Path modelFile = directory.resolve(MODEL_FILE);
        OnnxModel model = OnnxModel.load(modelFile, options);
        try {
            ClassifierSession session = ClassifierSession.open(model);
            String sha = model.metadata(VOCABULARY_SHA_KEY).orElse("missing");
            if (!vocabulary.sha256().equals(sha) || vocabulary.size() != session.vocabularySize()) {
                throw new BundleException(directory.resolve(WORDS_FILE) + ": " + vocabulary.size() + " tokens with sha256 "
                        + vocabulary.sha256() + " are not the vocabulary the model was exported with (" + sha + ", "
                        + session.vocabularySize() + " embedding rows in " + modelFile.getFileName() + ")");
            }
            if (!config.equals(graphConfig(model, modelFile))) {
                throw new BundleException(configFile + ": its \"sentiment\" config differs from the one in "
                        + modelFile.getFileName() + " (" + CONFIG_KEY + "); the files come from different exports");
            }
            int levels = config.architecture() == SentimentConfig.Architecture.HIERARCHICAL ? 2 : 1;
            String pooling = levels == 2 ? "ATTENTION" : config.pooling().name();
            if (session.levels() != levels || session.classes() != config.labels().size()
                    || !session.wordPooling().equals(pooling)) {
                throw new BundleException(modelFile + ": the graph (" + session.levels() + " level(s), "
                        + session.classes() + " classes, " + session.wordPooling() + " pooling) does not fit the config ("
                        + config.architecture() + ", " + config.labels().size() + " labels, " + pooling + " pooling)");
            }
            Provenance provenance = model.metadata(PROVENANCE_KEY)
                    .map(json -> Provenance.fromJson(json.getBytes(StandardCharsets.UTF_8), modelFile + " " + PROVENANCE_KEY))
                    .orElse(null);
            return new TextClassifier.Parts(config, vocabulary, new TextPipeline(config), null,
                    new OnnxScorer(model, session), null, provenance);
        } catch (IOException | RuntimeException e) {
            try {
                model.close();
            } catch (OrtException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The sentiment config the graph was exported with. */
    private static SentimentConfig graphConfig(OnnxModel model, Path modelFile) throws BundleException {
        String json = model.metadata(CONFIG_KEY).orElseThrow(() -> new BundleException(modelFile + ": no '"
                + CONFIG_KEY + "' metadata; not a classifier exported by TextClassifier.export"));
        try {
            return SentimentConfig.fromJsonTree(SentimentConfig.JSON.readTree(json), modelFile + " " + CONFIG_KEY);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new BundleException(modelFile + ": unreadable '" + CONFIG_KEY + "' metadata: " + e.getMessage(), e);
        }
    }

    /** Scores batches in ONNX Runtime; thread-safe like {@link OnnxModel}. */
    private static final class OnnxScorer implements Scorer {
        private final OnnxModel model;
        private final ClassifierSession session;

        OnnxScorer(OnnxModel model, ClassifierSession session) {
            this.model = model;
            this.session = session;
        }

        @Override
        public Scores score(HierarchicalBatch batch) {
            try {
                ClassifierSession.Scores s = session.run(batch);
                return new Scores(s.logits(), s.probabilities(), s.wordWeights(), s.sentenceWeights());
            } catch (OrtException e) {
                throw new IllegalStateException(model.file() + ": ONNX Runtime failed on " + batch + ": " + e.getMessage(), e);
            }
        }

        @Override
        public TextClassifier.Backend backend() {
            return TextClassifier.Backend.ONNX_RUNTIME;
        }

        @Override
        public void close() {
            try {
                model.close();
            } catch (OrtException e) {
                throw new IllegalStateException(model.file() + ": could not close the ONNX Runtime session", e);
            }
        }
    }
}
