package dev.seqtoolkit.summarize.abstractive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.io.ExportConfig;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.onnx.OnnxModel;
import dev.seqtoolkit.core.onnx.OrtStepModel;
import dev.seqtoolkit.core.onnx.Seq2SeqExporter;
import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import dev.seqtoolkit.core.text.Vocabulary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An abstractive summarizer exported for ONNX Runtime: a directory usable on its own.
 *
 * <pre>
 * encoder.onnx, decoder_step.onnx   the graphs of {@link Seq2SeqExporter} (copy and coverage included); their
 *                                   metadata_props hold the model config, the vocabulary's SHA-256
 *                                   ({@value #VOCABULARY_SHA_KEY}) and the provenance ({@value #PROVENANCE_KEY})
 * summarizer.json                   {"format": "seqtoolkit-onnx-summarizer", "version": 1,
 *                                    "task": "abstractive-summarization", "summarizer": AbstractiveConfig,
 *                                    "model": Seq2SeqConfig}
 * vocabulary.json                   the shared vocabulary of documents and summaries
 * provenance.json                   the same provenance as in the graphs
 * </pre>
 *
 * <p>The graphs read model ids; a copy model's unknown source words and the host-side mixing of the
 * copy distribution are {@link OrtStepModel}'s. Loading checks that the vocabulary beside the graphs
 * is the one they were exported with. The directory is written under a temporary name and renamed
 * into place, replacing an earlier export only once the new one is complete.
 */
final class AbstractiveOnnx {
    static final String FORMAT = "seqtoolkit-onnx-summarizer";
    static final int VERSION = 1;
    static final String CONFIG_FILE = "summarizer.json";
    static final String VOCABULARY = "vocabulary.json";
    static final String PROVENANCE = "provenance.json";
    static final String VOCABULARY_SHA_KEY = "seqtoolkit.summarizer.vocabularySha256";
    static final String PROVENANCE_KEY = "seqtoolkit.provenance";

    private AbstractiveOnnx() {}

    /** Whether {@code directory} looks like an export (has {@value #CONFIG_FILE} and the encoder graph). */
    static boolean isExport(Path directory) {
        return Files.isRegularFile(directory.resolve(CONFIG_FILE))
                && Files.isRegularFile(directory.resolve(Seq2SeqExporter.ENCODER_FILE));
    }

    static void export(Path directory, AbstractiveSummarizer summarizer) throws IOException {
        ObjectNode config = AbstractiveConfig.JSON.createObjectNode();
        config.put("format", FORMAT);
        config.put("version", VERSION);
        config.put("task", AbstractiveSummarizer.TASK);
        config.set("summarizer", summarizer.config().toJsonTree());
        config.set("model", AbstractiveConfig.JSON.valueToTree(summarizer.model().config()));
        Vocabulary vocabulary = summarizer.vocabulary();
        Provenance provenance = Provenance.builder().setConfig(config.deepCopy())
                .addDataString(vocabulary.sha256())
                .addExtra("vocabularySha256", vocabulary.sha256())
                .addExtra("export", "onnx")
                .build();
        AtomicFiles.writeDirectory(directory, AbstractiveOnnx::isExport, "an ONNX summarizer export", tmp -> {
            Seq2SeqExporter.of(summarizer.model())
                    .putMetadata(VOCABULARY_SHA_KEY, vocabulary.sha256())
                    .putMetadata(PROVENANCE_KEY, new String(provenance.toJson(), StandardCharsets.UTF_8))
                    .save(tmp);
            AtomicFiles.writeJson(tmp.resolve(CONFIG_FILE), config);
            vocabulary.save(tmp.resolve(VOCABULARY));
            AtomicFiles.write(tmp.resolve(PROVENANCE), provenance.toJson());
        });
    }

    /**
     * Loads an export.
     *
     * @throws IOException naming the file and the problem: missing files, not a summarizer export, an
     *     invalid config, a vocabulary that does not match the graphs, or graphs that are not ONNX,
     *     truncated, too new or of the wrong signature ({@link dev.seqtoolkit.core.onnx.InvalidModelException})
     */
    static AbstractiveSummarizer load(Path directory, OnnxModel.Options options) throws IOException {
        Path configFile = directory.resolve(CONFIG_FILE);
        JsonNode tree = ExportConfig.read(configFile, FORMAT, VERSION, "summarizer");
        AbstractiveConfig config;
        Seq2SeqConfig declared;
        try {
            config = AbstractiveConfig.fromJsonTree(tree.path("summarizer"), configFile + " \"summarizer\"");
            declared = AbstractiveConfig.JSON.treeToValue(tree.path("model"), Seq2SeqConfig.class);
        } catch (IllegalArgumentException e) {
            throw new BundleException(configFile + ": " + e.getMessage(), e);
        }
        Vocabulary vocabulary = Vocabulary.load(directory.resolve(VOCABULARY));
        OrtStepModel model = OrtStepModel.load(directory, options);
        try {
            String sha = model.metadata().get(VOCABULARY_SHA_KEY);
            if (!vocabulary.sha256().equals(sha)) {
                throw new BundleException(directory.resolve(VOCABULARY) + ": not the vocabulary the graphs were exported"
                        + " with (sha256 " + vocabulary.sha256() + ", the graphs name " + sha + ")");
            }
            if (!model.config().equals(declared)) {
                throw new BundleException(configFile + ": its \"model\" section differs from the graphs' configuration");
            }
            if (vocabulary.size() != declared.sourceVocabSize() || vocabulary.size() != declared.targetVocabSize()) {
                throw new BundleException(configFile + ": the model expects " + declared.sourceVocabSize() + " source and "
                        + declared.targetVocabSize() + " target ids but the vocabulary has " + vocabulary.size());
            }
            AbstractiveText text = new AbstractiveText(config.text(), AbstractiveText.tokenizer(config.text()),
                    vocabulary, declared.copy());
            return new AbstractiveSummarizer(config, text, model);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
