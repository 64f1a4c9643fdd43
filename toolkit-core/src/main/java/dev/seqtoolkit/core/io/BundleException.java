package dev.seqtoolkit.core.io;

import java.io.IOException;

/** A model bundle is missing, foreign, damaged, or newer than this toolkit reads. */
public class BundleException extends IOException {
    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
