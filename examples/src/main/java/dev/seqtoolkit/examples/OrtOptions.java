package dev.seqtoolkit.examples;

import dev.seqtoolkit.core.onnx.OnnxModel;
import picocli.CommandLine.Option;

/** {@code --ort-threads}, mixed into every subcommand whose {@code --model} may be an ONNX export. */
final class OrtOptions {
    @Option(names = "--ort-threads", defaultValue = "1",
            description = "ONNX Runtime intra-op threads when --model is an ONNX export (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    /** ONNX Runtime's options for such a model. */
    OnnxModel.Options options() {
        return OnnxModel.Options.defaults().withIntraOpThreads(threads);
    }
}
