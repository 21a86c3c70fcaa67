package io.meshlens.proxy.metrics;

import java.util.List;
import java.util.Locale;

/**
 * The gRPC status codes: the {@code grpc_status} label values by number, and the one parser of a
 * {@code grpc-status} header or trailer value.
 */
public final class GrpcStatus {
    /** Code names by number (0-16). */
    public static final List<String> NAMES = List.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
            "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
            "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
            "DATA_LOSS", "UNAUTHENTICATED");
    /** The codes the proxy synthesizes for a call its caller ended. */
    public static final int CANCELLED = 1;
    public static final int DEADLINE_EXCEEDED = 4;

    private GrpcStatus() {}

    /** The name of {@code code}; valid codes only. */
    public static String name(int code) {
        return NAMES.get(code);
    }

    /** The code (0-16) of a {@code grpc-status} value, -1 if absent or invalid; allocates nothing. */
    public static int parse(CharSequence s) {
        if (s == null) {
            return -1;
        }
        if (s.length() == 1) {
            char c = s.charAt(0);
            return c >= '0' && c <= '9' ? c - '0' : -1;
        }
        if (s.length() == 2 && s.charAt(0) == '1' && s.charAt(1) >= '0' && s.charAt(1) <= '6') {
            return 10 + s.charAt(1) - '0';
        }
        return -1;
    }

    /** The code named by {@code text}, a name ({@code UNAVAILABLE}) or a number; -1 if neither. */
    public static int fromText(String text) {
        int code = NAMES.indexOf(text.toUpperCase(Locale.ROOT));
        if (code >= 0) {
            return code;
        }
        try {
            code = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
        return code >= 0 && code < NAMES.size() ? code : -1;
    }
}
