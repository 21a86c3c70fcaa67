package io.meshlens.exporter.discovery;

/** A static inventory that cannot be used; the message names the file and the bad entry. */
public final class InventoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InventoryException(String message) {
        super(message);
    }

    public InventoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
