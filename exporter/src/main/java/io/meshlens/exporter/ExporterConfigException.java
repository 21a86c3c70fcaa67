package io.meshlens.exporter;

/** A configuration value that cannot be used; the message names the key, the value and what was expected. */
public final class ExporterConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ExporterConfigException(String message) {
        super(message);
    }
}
