package io.meshlens.exporter.api;

/** A request the API cannot answer: {@code status} (4xx) and a message naming the bad parameter. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }
}
