package io.meshlens.proxy.internal.http1;

/**
 * A chunked body read the plain way, line by line, as RFC 9112 7.1 writes it down, with the
 * leniencies the proxy documents: a line may end in a bare LF, whitespace may follow the chunk
 * size, an extension runs to the end of its line (at most 4096 bytes with its CR or LF), chunk sizes have at most
 * 15 hex digits, trailer lines add up to at most {@code maxTrailer} bytes. Written apart from
 * {@link Http1BodyFramer} (no state machine, no shared code) to check where it ends a message.
 */
final class ChunkedReference {
    enum Outcome { COMPLETE, INCOMPLETE, MALFORMED }

    /** {@code end}: the message's length in bytes when complete; {@code payload}: data bytes. */
    record Reading(Outcome outcome, int end, long payload) {}

    private ChunkedReference() {}

    static Reading read(byte[] b, int maxTrailer) {
        int i = 0;
        long payload = 0;
        while (true) {
            int eol = lineEnd(b, i);
            // the size line: 1*HEXDIG, optional whitespace, optional ";" extension
            int j = i;
            long size = 0;
            while (j < b.length && Character.digit(b[j], 16) >= 0 && b[j] < 128) {
                if (j - i == 15) {
                    return malformed();
                }
                size = size * 16 + Character.digit(b[j], 16);
                j++;
            }
            if (j == i) {
                return j < b.length ? malformed() : incomplete();
            }
            while (j < b.length && (b[j] == ' ' || b[j] == '\t')) {
                j++;
            }
            if (j == b.length) {
                return incomplete();
            }
            if (b[j] == ';') {
                // the extension runs to the first CR or LF; with its terminator at most 4096 bytes
                int k = j + 1;
                while (true) {
                    if (k == b.length) {
                        return k - j - 1 > 4096 ? malformed() : incomplete();
                    }
                    if (k - j > 4096) {
                        return malformed();
                    }
                    if (b[k] == '\n') {
                        break;
                    }
                    if (b[k] == '\r') {
                        if (k + 1 == b.length) {
                            return incomplete();
                        }
                        if (b[k + 1] != '\n') {
                            return malformed();
                        }
                        k++;
                        break;
                    }
                    k++;
                }
                eol = k;
            } else if (b[j] == '\r') {
                if (j + 1 == b.length) {
                    return incomplete();
                }
                if (b[j + 1] != '\n') {
                    return malformed();
                }
            } else if (b[j] != '\n') {
                return malformed();
            }
            i = eol + 1;
            if (size == 0) {
                return trailers(b, i, maxTrailer, payload);
            }
            if (b.length - i < size) {
                return incomplete();
            }
            i += (int) size;
            payload += size;
            // the data's CRLF (or bare LF)
            if (i == b.length) {
                return incomplete();
            }
            if (b[i] == '\n') {
                i++;
            } else if (b[i] == '\r') {
                if (i + 1 == b.length) {
                    return incomplete();
                }
                if (b[i + 1] != '\n') {
                    return malformed();
                }
                i += 2;
            } else {
                return malformed();
            }
        }
    }

    private static Reading trailers(byte[] b, int i, int maxTrailer, long payload) {
        int total = 0;
        while (true) {
            int eol = lineEnd(b, i);
            if (eol < 0) {
                // a partial trailer line: too long already, or waiting for more
                int partialEnd = b.length > i && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                if (containsCr(b, i, partialEnd)) {
                    return malformed();
                }
                return total + (partialEnd - i) > maxTrailer ? malformed() : incomplete();
            }
            int contentEnd = eol > i && b[eol - 1] == '\r' ? eol - 1 : eol;
            int len = contentEnd - i;
            if (len == 0) {
                return new Reading(Outcome.COMPLETE, eol + 1, payload);
            }
            if (containsCr(b, i, contentEnd)) {
                return malformed(); // a CR not followed by LF
            }
            total += len;
            if (total > maxTrailer) {
                return malformed();
            }
            i = eol + 1;
        }
    }

    private static boolean containsCr(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            if (b[k] == '\r') {
                return true;
            }
        }
        return false;
    }

    /** Index of the next LF at or after {@code from}, -1 if none. */
    private static int lineEnd(byte[] b, int from) {
        for (int k = from; k < b.length; k++) {
            if (b[k] == '\n') {
                return k;
            }
        }
        return -1;
    }

    private static Reading malformed() {
        return new Reading(Outcome.MALFORMED, -1, -1);
    }

    private static Reading incomplete() {
        return new Reading(Outcome.INCOMPLETE, -1, -1);
    }
}
