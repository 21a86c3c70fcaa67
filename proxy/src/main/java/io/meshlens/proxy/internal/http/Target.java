package io.meshlens.proxy.internal.http;

import java.net.InetSocketAddress;

/** A resolved upstream: its address and its (already capped) {@code peer} label value. */
public record Target(InetSocketAddress address, String peer, long expiresAtNanos) {
    boolean expired(long now) {
        return expiresAtNanos != 0 && now - expiresAtNanos > 0;
    }
}
