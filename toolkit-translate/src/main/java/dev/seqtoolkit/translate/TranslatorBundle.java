package dev.seqtoolkit.translate;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.io.ModelBundle;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.seq2seq.DjlStepModel;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import dev.seqtoolkit.core.seq2seq.Seq2SeqModel;
import dev.seqtoolkit.core.text.BytePairEncoding;
import dev.seqtoolkit.core.text.Vocabulary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A translator on disk: a {@link ModelBundle} whose {@code config.json} is
 * {@code {"task": "translation", "translator": <TranslatorConfig>, "model": <Seq2SeqConfig>}}, with
 * vocabularies {@code source} and {@code target}, BPE merges {@code bpe-source} (and
 * {@code bpe-target} when BPE is separate), the {@link Seq2SeqModel}'s parameters and provenance
 * (config, vocabulary hashes, engine, toolkit version).
 */
final class TranslatorBundle {
    static final String TASK = "translation";
    static final String SOURCE = "source";
    static final String TARGET = "target";
    static final String BPE_SOURCE = "bpe-source";
    static final String BPE_TARGET = "bpe-target";

    private TranslatorBundle() {}

    /** A translator over a trained model; it owns {@code manager} and closes it last. */
    static Translator translator(TranslatorConfig config, TranslationPipeline pipeline, Seq2SeqModel model,
            NDManager manager, TranslatorTraining.Report report) {
        return Translator.builder()
                .setPipeline(pipeline)
                .setModelFactory(() -> DjlStepModel.of(model, manager))
                .optConfig(config)
                .optSaver((directory, translator) -> save(directory, translator, model, report))
                .optOnnxExporter((directory, translator) -> TranslatorOnnx.export(directory, translator, model))
                .optResource(manager)
                .optTrainingReport(report)
                .build();
    }

    static void save(Path directory, Translator translator, Seq2SeqModel model, TranslatorTraining.Report report)
            throws IOException {
        TranslationPipeline p = translator.pipeline();
        ObjectNode config = TranslatorConfig.JSON.createObjectNode();
        config.put("task", TASK);
        config.set("translator", translator.config().toJsonTree());
        config.set("model", TranslatorConfig.JSON.valueToTree(model.config()));
        Provenance.Builder provenance = Provenance.builder().setConfig(config)
                .addDataString(p.sourceVocabulary().sha256())
                .addDataString(p.targetVocabulary().sha256())
                .addExtra("sourceVocabularySha256", p.sourceVocabulary().sha256())
                .addExtra("targetVocabularySha256", p.targetVocabulary().sha256());
        if (report != null) {
            provenance.addExtra("trainPairs", Integer.toString(report.trainPairs()))
                    .addExtra("epochs", Integer.toString(report.training().epochsCompleted()))
                    .addExtra("trainingSeconds", String.format(java.util.Locale.ROOT, "%.1f", report.seconds()));
        }
        ModelBundle.Builder bundle = ModelBundle.builder()
                .setConfig(config)
                .setBlock(model)
                .setProvenance(provenance.build())
                .addVocabulary(SOURCE, out -> out.write(bytes(p.sourceVocabulary()::save)))
                .addVocabulary(TARGET, out -> out.write(bytes(p.targetVocabulary()::save)))
                .addVocabulary(BPE_SOURCE, out -> out.write(bytes(p.sourceBpe()::save)));
        if (!p.isJoint()) {
            bundle.addVocabulary(BPE_TARGET, out -> out.write(bytes(p.targetBpe()::save)));
        }
        bundle.save(directory);
    }

    /**
     * Loads a translator saved by {@link #save}.
     *
     * @throws IOException naming the directory or file and what is wrong: missing, not a bundle,
     *     modified or truncated files, not a translation model, invalid config, vocabularies or
     *     merges, or parameters that do not fit the model
     */
    static Translator load(Path directory) throws IOException {
        ModelBundle bundle = ModelBundle.load(directory);
        Path configFile = bundle.directory().resolve(ModelBundle.CONFIG);
        JsonNode tree = bundle.config();
        String task = tree.path("task").asText("");
        if (!TASK.equals(task)) {
            throw new BundleException(configFile + ": not a translation model (task is '" + task + "')");
        }
        TranslatorConfig config = TranslatorConfig.fromJsonTree(tree.path("translator"), configFile + " \"translator\"");
        Seq2SeqConfig modelConfig;
        try {
            modelConfig = TranslatorConfig.MODEL_JSON.treeToValue(tree.path("model"), Seq2SeqConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new BundleException(configFile + ": invalid \"model\" section: " + e.getMessage(), e);
        }
        Vocabulary source = Vocabulary.load(temp(bundle, SOURCE));
        Vocabulary target = Vocabulary.load(temp(bundle, TARGET));
        BytePairEncoding sourceBpe = BytePairEncoding.load(temp(bundle, BPE_SOURCE));
        BytePairEncoding targetBpe = config.pipeline().joint() ? sourceBpe : BytePairEncoding.load(temp(bundle, BPE_TARGET));
        if (source.size() != modelConfig.sourceVocabSize() || target.size() != modelConfig.targetVocabSize()) {
            throw new BundleException(configFile + ": the model expects vocabularies of " + modelConfig.sourceVocabSize()
                    + " and " + modelConfig.targetVocabSize() + " ids but the bundle's have " + source.size() + " and "
                    + target.size());
        }
        TranslationPipeline pipeline = TranslationPipeline.builder().setSourceBpe(sourceBpe).setTargetBpe(targetBpe)
                .setSourceVocabulary(source).setTargetVocabulary(target).optLowercase(config.pipeline().lowercase())
                .optMaxSourceTokens(config.pipeline().maxSourceTokens()).build();
        NDManager manager = Engines.newManager();
        try {
            Seq2SeqModel model = new Seq2SeqModel(modelConfig);
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 4), new Shape(2), new Shape(2, 3));
            bundle.loadParameters(model, manager);
            return translator(config, pipeline, model, manager, null);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The vocabulary-like file {@code name} as a temporary file for the loaders that read paths. */
    private static Path temp(ModelBundle bundle, String name) throws IOException {
        byte[] bytes = bundle.vocabulary(name);
        Path file = Files.createTempFile("translator-" + name, ".json");
        Files.write(file, bytes);
        file.toFile().deleteOnExit();
        return file;
    }

    @FunctionalInterface
    private interface FileSaver {
        void save(Path file) throws IOException;
    }

    private static byte[] bytes(FileSaver saver) throws IOException {
        Path file = Files.createTempFile("translator", ".json");
        try {
            saver.save(file);
            return Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
