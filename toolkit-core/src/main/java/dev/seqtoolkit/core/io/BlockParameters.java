package dev.seqtoolkit.core.io;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads saved parameters into a block built from a config, and refuses a file whose shapes differ.
 *
 * <p>DJL's {@link Block#loadParameters} replaces each parameter's array with the saved one without
 * comparing shapes, so parameters saved by a model of another size or vocabulary would load "fine"
 * and the model would then compute with arrays its config does not describe: a wrong answer, or a
 * bundle written with one config and another model's weights. Every load in the toolkit goes through
 * here instead.
 */
public final class BlockParameters {
    private BlockParameters() {}

    /**
     * Loads {@code in} into the initialised {@code block}.
     *
     * @param source the file or checkpoint read, for messages
     * @throws MalformedModelException naming {@code source}, the parameter and both shapes when a
     *     saved shape differs from the block's
     */
    public static void load(Block block, NDManager manager, DataInputStream in, String source)
            throws IOException, MalformedModelException {
        Map<String, Shape> expected = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().isInitialized()) {
                expected.put(p.getKey(), p.getValue().getArray().getShape());
            }
        }
        block.loadParameters(manager, in);
        for (Pair<String, Parameter> p : block.getParameters()) {
            Shape want = expected.get(p.getKey());
            Shape got = p.getValue().isInitialized() ? p.getValue().getArray().getShape() : null;
            if (want != null && !want.equals(got)) {
                throw new MalformedModelException(source + ": parameter '" + p.getKey() + "' has shape " + got
                        + " but the model built from the config (sizes and vocabularies) has " + want
                        + "; the parameters were saved by a different model");
            }
        }
    }
}
