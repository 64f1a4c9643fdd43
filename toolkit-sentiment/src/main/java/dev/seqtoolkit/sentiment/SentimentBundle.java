package dev.seqtoolkit.sentiment;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.io.ModelBundle;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.text.Vocabulary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A classifier on disk: a {@link ModelBundle} whose {@code config.json} is {@code {"task":
 * "sentiment", "sentiment": <SentimentConfig>}}, with the vocabulary {@code words}, the network's
 * parameters and provenance (config, vocabulary hash, engine, toolkit version, training figures).
 */
final class SentimentBundle {
    static final String TASK = "sentiment";
    static final String WORDS = "words";

    private SentimentBundle() {}

    static void save(Path directory, TextClassifier classifier) throws IOException {
        ObjectNode config = SentimentConfig.JSON.createObjectNode();
        config.put("task", TASK);
        config.set("sentiment", classifier.config().toJsonTree());
        Vocabulary vocabulary = classifier.vocabulary();
        Provenance.Builder provenance = provenance(classifier, config);
        Path file = Files.createTempFile("sentiment-words", ".json");
        byte[] words;
        try {
            vocabulary.save(file);
            words = Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
        ModelBundle.builder()
                .setConfig(config)
                .setBlock(classifier.network())
                .setProvenance(provenance.build())
                .addVocabulary(WORDS, words)
                .save(directory);
    }

    /**
     * A provenance builder for a classifier being written: the config, the vocabulary hash, and the
     * training figures (from this process's training report, else from the provenance the classifier
     * was loaded with).
     */
    static Provenance.Builder provenance(TextClassifier classifier, JsonNode config) {
        Vocabulary vocabulary = classifier.vocabulary();
        Provenance.Builder provenance = Provenance.builder().setConfig(config)
                .addDataString(vocabulary.sha256());
        if (classifier.trainingReport().isPresent()) {
            TrainingReport r = classifier.trainingReport().get();
            provenance.addExtra("trainTexts", Integer.toString(r.trainTexts()))
                    .addExtra("devTexts", Integer.toString(r.devTexts()))
                    .addExtra("epochs", Integer.toString(r.training().epochsCompleted()))
                    .addExtra("bestDevAccuracy", String.format(Locale.ROOT, "%.4f", r.training().bestMetric()))
                    .addExtra("trainingSeconds", String.format(Locale.ROOT, "%.1f", r.seconds()));
        } else {
            classifier.provenance().ifPresent(p -> p.extras().forEach(provenance::addExtra));
        }
        return provenance.addExtra("vocabularySha256", vocabulary.sha256());
    }

    /** The architecture of a saved classifier (the bundle is verified). */
    static SentimentConfig.Architecture architecture(Path directory) throws IOException {
        ModelBundle bundle = ModelBundle.load(directory);
        JsonNode tree = bundle.config();
        if (!TASK.equals(tree.path("task").asText(""))) {
            throw new BundleException(bundle.directory().resolve(ModelBundle.CONFIG) + ": not a sentiment model (task is '"
                    + tree.path("task").asText("") + "')");
        }
        return "HIERARCHICAL".equals(tree.path("sentiment").path("architecture").asText())
                ? SentimentConfig.Architecture.HIERARCHICAL : SentimentConfig.Architecture.SENTENCE;
    }

    /**
     * Loads the parts of a saved classifier.
     *
     * @param expected the architecture the caller's class reads
     * @throws IOException naming the directory or file and what is wrong
     */
    static TextClassifier.Parts load(Path directory, SentimentConfig.Architecture expected) throws IOException {
        ModelBundle bundle = ModelBundle.load(directory);
        Path configFile = bundle.directory().resolve(ModelBundle.CONFIG);
        JsonNode tree = bundle.config();
        String task = tree.path("task").asText("");
        if (!TASK.equals(task)) {
            throw new BundleException(configFile + ": not a sentiment model (task is '" + task + "')");
        }
        SentimentConfig config;
        try {
            config = SentimentConfig.fromJsonTree(tree.path("sentiment"), configFile + " \"sentiment\"");
        } catch (IllegalArgumentException e) {
            throw new BundleException(e.getMessage(), e);
        }
        if (config.architecture() != expected) {
            throw new BundleException(configFile + ": the model is " + config.architecture() + " but a " + expected
                    + " classifier was asked for; load it with "
                    + (config.architecture() == SentimentConfig.Architecture.HIERARCHICAL
                            ? "DocumentSentimentClassifier" : "SentimentClassifier"));
        }
        Path file = Files.createTempFile("sentiment-words", ".json");
        Vocabulary vocabulary;
        try {
            Files.write(file, bundle.vocabulary(WORDS));
            vocabulary = Vocabulary.load(file);
        } finally {
            Files.deleteIfExists(file);
        }
        NDManager manager = Engines.newManager();
        try {
            ClassifierNetwork network = expected == SentimentConfig.Architecture.HIERARCHICAL
                    ? DocumentClassifierBlock.of(config, vocabulary.size())
                    : SentenceClassifierBlock.of(config, vocabulary.size());
            network.initialize(manager, DataType.FLOAT32, network.initializationShapes());
            bundle.loadParameters(network, manager);
            return new TextClassifier.Parts(config, vocabulary, new TextPipeline(config), network,
                    new DjlScorer(network, manager), null, bundle.provenance());
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
