package dev.seqtoolkit.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.io.ExportConfig;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.onnx.OrtStepModel;
import dev.seqtoolkit.core.onnx.Seq2SeqExporter;
import dev.seqtoolkit.core.seq2seq.Seq2SeqModel;
import dev.seqtoolkit.core.text.BytePairEncoding;
import dev.seqtoolkit.core.text.Vocabulary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A translator exported for ONNX Runtime: a directory that is usable on its own, from Java
 * ({@link Translator#load}, {@link Translator#loadOnnx}) or any other runtime (see
 * {@code examples/node/translate.mjs}).
 *
 * <pre>
 * encoder.onnx, decoder_step.onnx   the two graphs of {@link Seq2SeqExporter}; their metadata_props hold the
 *                                   model config, the graph kind, the format, both vocabulary SHA-256s
 *                                   ({@value #SOURCE_SHA_KEY}, {@value #TARGET_SHA_KEY}) and the provenance
 *                                   ({@value #PROVENANCE_KEY})
 * translator.json                   {"format": "seqtoolkit-onnx-translator", "version": 1, "task": "translation",
 *                                    "jointBpe": bool, "translator": TranslatorConfig, "model": Seq2SeqConfig}
 * source-vocabulary.json            Vocabulary files ({"version", "sha256", "tokens": [id order]})
 * target-vocabulary.json
 * bpe-source.json [bpe-target.json] BPE merges ({"version", "merges": [[a, b], ...]}); bpe-target only when separate
 * provenance.json                   the same provenance as in the graphs
 * </pre>
 *
 * <p>Vocabularies and merges sit beside the graphs rather than in {@code metadata_props}, so that
 * other runtimes read plain JSON; the graphs carry their hashes, and loading refuses files that do
 * not match. The directory is written under a temporary name and renamed into place, replacing an
 * earlier export only once the new one is complete.
 */
final class TranslatorOnnx {
    static final String FORMAT = "seqtoolkit-onnx-translator";
    static final int VERSION = 1;
    static final String CONFIG_FILE = "translator.json";
    static final String SOURCE_VOCABULARY = "source-vocabulary.json";
    static final String TARGET_VOCABULARY = "target-vocabulary.json";
    static final String BPE_SOURCE = "bpe-source.json";
    static final String BPE_TARGET = "bpe-target.json";
    static final String PROVENANCE = "provenance.json";
    static final String SOURCE_SHA_KEY = "seqtoolkit.translator.sourceVocabularySha256";
    static final String TARGET_SHA_KEY = "seqtoolkit.translator.targetVocabularySha256";
    static final String PROVENANCE_KEY = "seqtoolkit.provenance";

    private TranslatorOnnx() {}

    /** Whether {@code directory} looks like an export (has {@value #CONFIG_FILE} and the encoder graph). */
    static boolean isExport(Path directory) {
        return Files.isRegularFile(directory.resolve(CONFIG_FILE))
                && Files.isRegularFile(directory.resolve(Seq2SeqExporter.ENCODER_FILE));
    }

    static void export(Path directory, Translator translator, Seq2SeqModel model) throws IOException {
        TranslationPipeline p = translator.pipeline();
        ObjectNode config = TranslatorConfig.JSON.createObjectNode();
        config.put("format", FORMAT);
        config.put("version", VERSION);
        config.put("task", TranslatorBundle.TASK);
        config.put("jointBpe", p.isJoint());
        config.set("translator", translator.config().toJsonTree());
        config.set("model", TranslatorConfig.JSON.valueToTree(model.config()));
        ObjectNode provenanceConfig = config.deepCopy();
        Provenance provenance = Provenance.builder().setConfig(provenanceConfig)
                .addDataString(p.sourceVocabulary().sha256())
                .addDataString(p.targetVocabulary().sha256())
                .addExtra("sourceVocabularySha256", p.sourceVocabulary().sha256())
                .addExtra("targetVocabularySha256", p.targetVocabulary().sha256())
                .addExtra("export", "onnx")
                .build();
        AtomicFiles.writeDirectory(directory, TranslatorOnnx::isExport, "an ONNX translator export", tmp -> {
            Seq2SeqExporter.of(model)
                    .putMetadata(SOURCE_SHA_KEY, p.sourceVocabulary().sha256())
                    .putMetadata(TARGET_SHA_KEY, p.targetVocabulary().sha256())
                    .putMetadata(PROVENANCE_KEY, new String(provenance.toJson(), StandardCharsets.UTF_8))
                    .save(tmp);
            AtomicFiles.writeJson(tmp.resolve(CONFIG_FILE), config);
            p.sourceVocabulary().save(tmp.resolve(SOURCE_VOCABULARY));
            p.targetVocabulary().save(tmp.resolve(TARGET_VOCABULARY));
            p.sourceBpe().save(tmp.resolve(BPE_SOURCE));
            if (!p.isJoint()) {
                p.targetBpe().save(tmp.resolve(BPE_TARGET));
            }
            AtomicFiles.write(tmp.resolve(PROVENANCE), provenance.toJson());
        });
    }


    /**
     * Loads an export.
     *
     * @throws IOException naming the file and the problem: missing files, not a translator export,
     *     an invalid config, vocabularies that do not match the graphs, or graphs that are not ONNX,
     *     truncated, too new or of the wrong signature ({@link dev.seqtoolkit.core.onnx.InvalidModelException})
     */
    static Translator load(Path directory, OnnxModel.Options options) throws IOException {
        Path configFile = directory.resolve(CONFIG_FILE);
        JsonNode tree = ExportConfig.read(configFile, FORMAT, VERSION, "translator");
        TranslatorConfig config = TranslatorConfig.fromJsonTree(tree.path("translator"), configFile + " \"translator\"");
        boolean joint = tree.path("jointBpe").asBoolean();
        Vocabulary source = Vocabulary.load(directory.resolve(SOURCE_VOCABULARY));
        Vocabulary target = Vocabulary.load(directory.resolve(TARGET_VOCABULARY));
        BytePairEncoding sourceBpe = BytePairEncoding.load(directory.resolve(BPE_SOURCE));
        BytePairEncoding targetBpe = joint ? sourceBpe : BytePairEncoding.load(directory.resolve(BPE_TARGET));
        OrtStepModel model = OrtStepModel.load(directory, options);
        try {
            String sourceSha = model.metadata().get(SOURCE_SHA_KEY);
            String targetSha = model.metadata().get(TARGET_SHA_KEY);
            if (!source.sha256().equals(sourceSha) || !target.sha256().equals(targetSha)) {
                throw new BundleException(directory + ": the vocabularies beside the graphs (sha256 " + source.sha256()
                        + ", " + target.sha256() + ") are not the ones the model was exported with (" + sourceSha + ", "
                        + targetSha + ")");
            }
            if (!model.config().equals(TranslatorConfig.MODEL_JSON.treeToValue(tree.path("model"),
                    dev.seqtoolkit.core.seq2seq.Seq2SeqConfig.class))) {
                throw new BundleException(configFile + ": its \"model\" section differs from the graphs' configuration");
            }
            TranslationPipeline pipeline = TranslationPipeline.builder().setSourceBpe(sourceBpe).setTargetBpe(targetBpe)
                    .setSourceVocabulary(source).setTargetVocabulary(target).optLowercase(config.pipeline().lowercase())
                    .optMaxSourceTokens(config.pipeline().maxSourceTokens()).build();
            return Translator.builder().setPipeline(pipeline).setSharedModel(model).optConfig(config).build();
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
