package dev.seqtoolkit.core.seq2seq;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.io.BundleException;
import dev.seqtoolkit.core.io.ModelBundle;
import dev.seqtoolkit.core.io.Provenance;

import java.io.IOException;

/**
 * Saving a {@link Seq2SeqModel} to and loading it from a {@link ModelBundle}. The bundle's config
 * document is {@code {"task": "seq2seq", "model": {...Seq2SeqConfig...}}}; a task API (the translator)
 * adds its own fields (tokenizers) and its vocabularies to the builder before saving.
 */
public final class Seq2SeqBundle {
    /** The value of the config document's {@code task} field. */
    public static final String TASK = "seq2seq";
    /** The field holding the {@link Seq2SeqConfig}. */
    public static final String MODEL_FIELD = "model";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Seq2SeqBundle() {}

    /** The config document {@code {"task": "seq2seq", "model": config}}; callers may add fields. */
    public static ObjectNode configJson(Seq2SeqConfig config) {
        ObjectNode node = JSON.createObjectNode();
        node.put("task", TASK);
        node.set(MODEL_FIELD, JSON.valueToTree(config));
        return node;
    }

    /**
     * A bundle builder holding the config document and the model's parameters; add vocabularies and
     * call {@code save(directory)}.
     */
    public static ModelBundle.Builder builder(Seq2SeqModel model, Provenance provenance) {
        return ModelBundle.builder()
                .setConfig(configJson(model.config()))
                .setBlock(model)
                .setProvenance(provenance);
    }

    /** Reads and checks the model config of a bundle; fails naming the file and the problem. */
    public static Seq2SeqConfig readConfig(ModelBundle bundle) throws IOException {
        JsonNode config = bundle.config();
        String source = bundle.directory().resolve(ModelBundle.CONFIG).toString();
        if (!TASK.equals(config.path("task").asText())) {
            throw new BundleException(
                    source + ": not a seq2seq model (task is '" + config.path("task").asText() + "')");
        }
        if (!config.has(MODEL_FIELD)) {
            throw new BundleException(source + ": no '" + MODEL_FIELD + "' field");
        }
        try {
            return JSON.treeToValue(config.get(MODEL_FIELD), Seq2SeqConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new BundleException(source + ": invalid model config: " + e.getMessage(), e);
        }
    }

    /** The bundle's model with its saved parameters, allocated in {@code manager}. */
    public static Seq2SeqModel load(ModelBundle bundle, NDManager manager) throws IOException {
        Seq2SeqModel model = Seq2SeqModel.create(readConfig(bundle), manager);
        bundle.loadParameters(model, manager);
        return model;
    }
}
