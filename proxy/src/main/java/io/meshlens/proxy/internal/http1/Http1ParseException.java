package io.meshlens.proxy.internal.http1;

/**
 * A malformed or oversized HTTP/1 message, with the status the proxy answers a caller with
 * (400, 414 or 431); on the upstream side the proxy answers 502 whatever the status here.
 */
final class Http1ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    Http1ParseException(int status, String message) {
        super(message, null, false, false); // no stack trace: a bad client is not a bug
        this.status = status;
    }

    int status() {
        return status;
    }
}
