package io.meshlens.cli.api;

/** The exporter or Prometheus could not answer; the message says which and why, with a hint. */
public final class ApiException extends RuntimeException {
    public ApiException(String message) {
        super(message);
    }

    public ApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
