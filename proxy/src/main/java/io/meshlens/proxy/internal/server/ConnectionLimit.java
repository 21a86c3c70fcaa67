package io.meshlens.proxy.internal.server;

import java.util.concurrent.atomic.AtomicInteger;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.netty.channel.Channel;

/**
 * Caps the connections open on the proxy's data-path listeners, all listeners together (the admin
 * listener has its own server and is never capped, so scrapes and probes still get in). A
 * connection over the cap is closed as soon as it is accepted, before any byte is read, and
 * counted in {@code meshlens_tcp_connections_refused_total}: under a connection flood the proxy
 * keeps its memory and descriptors for the connections it already serves.
 */
final class ConnectionLimit {
    private final int max;
    private final ProxyMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimit(int max, ProxyMetrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    /** Admits {@code ch} and frees its slot when it closes; or closes it at once and counts it. */
    boolean admit(Channel ch, Direction direction) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            try {
                metrics.connectionRefused(direction);
            } catch (RuntimeException e) {
                metrics.recordFailed(e);
            }
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    /** Connections currently admitted. */
    int open() {
        return open.get();
    }
}
