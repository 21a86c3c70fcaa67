package io.meshlens.install.inject;

/** The input cannot be injected; the message names the document (its number, line, kind/name). */
public final class InjectException extends Exception {
    private static final long serialVersionUID = 1L;

    public InjectException(String message, Throwable cause) {
        super(message, cause);
    }

    public InjectException(String message) {
        super(message);
    }
}
