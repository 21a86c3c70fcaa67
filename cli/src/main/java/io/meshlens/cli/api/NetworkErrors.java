package io.meshlens.cli.api;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Turns a failed HTTP call into a message a person can act on: what was called, why it failed
 * in words (never a bare exception class or {@code null}), and a hint.
 */
final class NetworkErrors {
    private NetworkErrors() {}

    /** "cannot reach WHAT at URL (CAUSE)" followed by a {@code hint:} line. */
    static ApiException unreachable(String what, URI base, IOException e, String hint) {
        return new ApiException("cannot reach " + what + " at " + base + " (" + cause(base, e) + ")\nhint: " + hint, e);
    }

    /** The cause of a failed call, in words. */
    static String cause(URI base, Throwable e) {
        if (has(e, HttpConnectTimeoutException.class)) {
            return "no connection within the connect timeout: a firewall, or a host that is down";
        }
        if (has(e, HttpTimeoutException.class)) {
            return "connected, but no answer within the request timeout";
        }
        if (has(e, UnknownHostException.class) || has(e, UnresolvedAddressException.class)) {
            return "unknown host " + base.getHost();
        }
        if (has(e, NoRouteToHostException.class)) {
            return "no route to host " + base.getHost();
        }
        if (has(e, ConnectException.class)) {
            return "connection refused: nothing listens on " + base.getHost() + ":" + port(base);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static int port(URI base) {
        if (base.getPort() >= 0) {
            return base.getPort();
        }
        return "https".equals(base.getScheme()) ? 443 : 80;
    }
}
