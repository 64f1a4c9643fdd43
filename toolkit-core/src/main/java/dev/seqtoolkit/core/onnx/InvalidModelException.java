package dev.seqtoolkit.core.onnx;

import java.io.IOException;
import java.nio.file.Path;

/** A model file that {@link OnnxModel} refuses to load, with the reason and the file. */
public final class InvalidModelException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why a model was refused. */
    public enum Reason {
        /** The file is empty or is not an ONNX protobuf. */
        NOT_ONNX,
        /** The file starts like an ONNX model but ends early or is corrupt. */
        TRUNCATED,
        /** The model needs a newer IR version or opset than this runtime supports. */
        UNSUPPORTED_VERSION,
        /** The model's inputs or outputs differ from what the caller expects. */
        SIGNATURE_MISMATCH,
        /** ONNX Runtime could not build a session from the model. */
        RUNTIME_REJECTED
    }

    private final Reason reason;
    private final Path file;

    InvalidModelException(Reason reason, Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.reason = reason;
        this.file = file;
    }

    public Reason reason() {
        return reason;
    }

    public Path file() {
        return file;
    }
}
