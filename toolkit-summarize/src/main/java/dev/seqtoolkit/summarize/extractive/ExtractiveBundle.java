package dev.seqtoolkit.summarize.extractive;

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
 * An extractive summarizer on disk: a {@link ModelBundle} whose {@code config.json} is {@code
 * {"task": "summarize-extractive", "extractive": <ExtractiveConfig>}}, with the vocabulary {@code
 * words}, the network's parameters and provenance (config, vocabulary hash, engine, toolkit version,
 * training figures).
 */
final class ExtractiveBundle {
    static final String SECTION = "extractive";
    static final String WORDS = "words";

    private ExtractiveBundle() {}

    static void save(Path directory, ExtractiveSummarizer model) throws IOException {
        ObjectNode config = ExtractiveConfig.JSON.createObjectNode();
        config.put("task", ExtractiveSummarizer.TASK);
        config.set(SECTION, model.config().toJsonTree());
        Vocabulary vocabulary = model.vocabulary();
        Provenance.Builder provenance = Provenance.builder().setConfig(config)
                .addDataString(vocabulary.sha256())
                .addExtra("vocabularySha256", vocabulary.sha256());
        model.trainingReport().ifPresent(r -> provenance
                .addExtra("trainDocuments", Integer.toString(r.trainDocuments()))
                .addExtra("devDocuments", Integer.toString(r.devDocuments()))
                .addExtra("epochs", Integer.toString(r.training().epochsCompleted()))
                .addExtra("bestDevMetric", String.format(Locale.ROOT, "%.4f", r.training().bestMetric()))
                .addExtra("trainingSeconds", String.format(Locale.ROOT, "%.1f", r.seconds())));
        Path file = Files.createTempFile("extractive-words", ".json");
        byte[] words;
        try {
            vocabulary.save(file);
            words = Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
        ModelBundle.builder()
                .setConfig(config)
                .setBlock(model.network())
                .setProvenance(provenance.build())
                .addVocabulary(WORDS, words)
                .save(directory);
    }

    /**
     * Loads a saved extractive summarizer.
     *
     * @throws IOException naming the directory or file and what is wrong
     */
    static ExtractiveSummarizer load(Path directory) throws IOException {
        ModelBundle bundle = ModelBundle.load(directory);
        Path configFile = bundle.directory().resolve(ModelBundle.CONFIG);
        JsonNode tree = bundle.config();
        String task = tree.path("task").asText("");
        if (!ExtractiveSummarizer.TASK.equals(task)) {
            throw new BundleException(configFile + ": not an extractive summarizer (task is '" + task + "', expected '"
                    + ExtractiveSummarizer.TASK + "')");
        }
        ExtractiveConfig config;
        try {
            config = ExtractiveConfig.fromJsonTree(tree.path(SECTION), configFile + " \"" + SECTION + "\"");
        } catch (IllegalArgumentException e) {
            throw new BundleException(e.getMessage(), e);
        }
        Path file = Files.createTempFile("extractive-words", ".json");
        Vocabulary vocabulary;
        try {
            Files.write(file, bundle.vocabulary(WORDS));
            vocabulary = Vocabulary.load(file);
        } finally {
            Files.deleteIfExists(file);
        }
        NDManager manager = Engines.newManager();
        try {
            SummaRunnerBlock network = ExtractiveSummarizer.network(config, vocabulary.size());
            network.initialize(manager, DataType.FLOAT32, network.initializationShapes());
            bundle.loadParameters(network, manager);
            return new ExtractiveSummarizer(config, vocabulary, network, manager, null);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
