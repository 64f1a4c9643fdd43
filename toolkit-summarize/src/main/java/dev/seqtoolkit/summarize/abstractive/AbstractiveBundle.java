package dev.seqtoolkit.summarize.abstractive;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.io.ModelBundle;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import dev.seqtoolkit.core.seq2seq.Seq2SeqModel;
import dev.seqtoolkit.core.text.Vocabulary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An abstractive summarizer on disk: a {@link ModelBundle} whose {@code config.json} is {@code
 * {"task": "abstractive-summarization", "summarizer": <AbstractiveConfig>, "model": <Seq2SeqConfig>}},
 * with the vocabulary {@code words}, the {@link Seq2SeqModel}'s parameters and provenance (config,
 * vocabulary hash, engine, toolkit version, training counts).
 */
final class AbstractiveBundle {
    static final String TASK = AbstractiveSummarizer.TASK;
    static final String WORDS = "words";

    private AbstractiveBundle() {}

    static void save(Path directory, AbstractiveSummarizer summarizer) throws IOException {
        ObjectNode config = AbstractiveConfig.JSON.createObjectNode();
        config.put("task", TASK);
        config.set("summarizer", summarizer.config().toJsonTree());
        config.set("model", AbstractiveConfig.JSON.valueToTree(summarizer.model().config()));
        Vocabulary vocabulary = summarizer.vocabulary();
        Provenance.Builder provenance = Provenance.builder().setConfig(config)
                .addDataString(vocabulary.sha256())
                .addExtra("vocabularySha256", vocabulary.sha256());
        summarizer.trainingReport().ifPresent(r -> provenance
                .addExtra("trainExamples", Integer.toString(r.trainExamples()))
                .addExtra("devExamples", Integer.toString(r.devExamples()))
                .addExtra("epochs", Integer.toString(r.training().epochsCompleted()))
                .addExtra("trainingSeconds", String.format(Locale.ROOT, "%.1f", r.seconds())));
        Path file = Files.createTempFile("summarizer-words", ".json");
        byte[] words;
        try {
            vocabulary.save(file);
            words = Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
        ModelBundle.builder()
                .setConfig(config)
                .setBlock(summarizer.model())
                .setProvenance(provenance.build())
                .addVocabulary(WORDS, words)
                .save(directory);
    }

    /**
     * Loads a summarizer saved by {@link #save}.
     *
     * @throws IOException naming the directory or file and what is wrong
     */
    static AbstractiveSummarizer load(Path directory) throws IOException {
        ModelBundle bundle = ModelBundle.load(directory);
        Path configFile = bundle.directory().resolve(ModelBundle.CONFIG);
        JsonNode tree = bundle.config();
        String task = tree.path("task").asText("");
        if (!TASK.equals(task)) {
            throw new BundleException(configFile + ": not an abstractive summarizer (task is '" + task + "')");
        }
        AbstractiveConfig config;
        try {
            config = AbstractiveConfig.fromJsonTree(tree.path("summarizer"), configFile + " \"summarizer\"");
        } catch (IllegalArgumentException e) {
            throw new BundleException(e.getMessage(), e);
        }
        Seq2SeqConfig modelConfig;
        try {
            modelConfig = AbstractiveConfig.JSON.treeToValue(tree.path("model"), Seq2SeqConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new BundleException(configFile + ": invalid \"model\" section: " + e.getMessage(), e);
        }
        Path file = Files.createTempFile("summarizer-words", ".json");
        Vocabulary vocabulary;
        try {
            Files.write(file, bundle.vocabulary(WORDS));
            vocabulary = Vocabulary.load(file);
        } finally {
            Files.deleteIfExists(file);
        }
        if (vocabulary.size() != modelConfig.sourceVocabSize() || vocabulary.size() != modelConfig.targetVocabSize()) {
            throw new BundleException(configFile + ": the model expects " + modelConfig.sourceVocabSize() + " source and "
                    + modelConfig.targetVocabSize() + " target ids but the vocabulary has " + vocabulary.size());
        }
        AbstractiveText text = new AbstractiveText(config.text(), AbstractiveText.tokenizer(config.text()), vocabulary,
                modelConfig.copy());
        NDManager manager = Engines.newManager();
        try {
            Seq2SeqModel model = new Seq2SeqModel(modelConfig);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1), new Shape(1, 1));
            bundle.loadParameters(model, manager);
            return new AbstractiveSummarizer(config, text, model, manager, null);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
