package io.meshlens.exporter.api;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may open {@code /api/v1/tap}: the proxies' rule for their {@code /tap}, token or loopback.
 * Loopback callers (the CLI and the dashboard through {@code kubectl port-forward}, which arrives
 * on the pod's loopback) always may; any other caller must present the exporter's tap token.
 */
final class TapAccess {
    private TapAccess() {}

    /** Null when the caller may tap, otherwise why not. */
    static String refusal(InetAddress caller, String authorization, String token) {
        if (caller != null && caller.isLoopbackAddress()) {
            return null;
        }
        if (!token.isEmpty() && authorization != null && authorization.startsWith("Bearer ")
                && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                        authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return "tap from " + (caller == null ? "an unknown address" : caller.getHostAddress())
                + ": refused (expected: a loopback caller, or Authorization: Bearer <MESHLENS_EXPORTER_TAP_TOKEN>); "
                + "hint: kubectl -n meshlens port-forward svc/meshlens-exporter 9995";
    }
}
