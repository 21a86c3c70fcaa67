package io.meshlens.proxy.internal.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;

import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.channel.ConnectTimeoutException;

/**
 * Why an exchange could not be forwarded, and what the caller is answered if no response has
 * started: the error class, the status and a detail for the plain-text body.
 */
public record Failure(ProxyError error, int status, String detail) {
    /** Classifies a failure to open an upstream connection to {@code target} for {@code authority}. */
    public static Failure upstream(Throwable cause, Target target, String authority) {
        String to = ConnectionInfo.format(target.address());
        if (cause instanceof ConnectTimeoutException) {
            return new Failure(ProxyError.CONNECT_TIMEOUT, 504, "connect to " + to + " timed out");
        }
        if (cause instanceof ConnectException) {
            return new Failure(ProxyError.CONNECT_REFUSED, 502, "connect to " + to + " refused");
        }
        if (cause instanceof UnknownHostException) {
            return new Failure(ProxyError.DNS_FAILURE, 502, "cannot resolve " + authority);
        }
        if (cause instanceof IOException) {
            return new Failure(ProxyError.CONNECT_REFUSED, 502, "connect to " + to + " failed: " + cause.getMessage());
        }
        return new Failure(ProxyError.UPSTREAM_RESET, 502, "upstream connection failed: " + cause.getMessage());
    }

    public static Failure overloaded() {
        return new Failure(ProxyError.OVERLOADED, 503, "too many requests in flight");
    }

    public static Failure responseTimeout(long millis) {
        return new Failure(ProxyError.RESPONSE_TIMEOUT, 504, "no response headers within " + millis + "ms");
    }
}
