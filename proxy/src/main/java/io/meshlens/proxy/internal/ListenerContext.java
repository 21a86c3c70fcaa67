package io.meshlens.proxy.internal;

import java.net.InetSocketAddress;

import io.meshlens.proxy.metrics.Direction;

/** One listener: its direction and, for inbound, the app address it forwards to. */
final class ListenerContext {
    final ProxyContext proxy;
    final Direction direction;
    /** Inbound: the app; null for outbound. */
    final InetSocketAddress fixedTarget;

    ListenerContext(ProxyContext proxy, Direction direction, InetSocketAddress fixedTarget) {
        this.proxy = proxy;
        this.direction = direction;
        this.fixedTarget = fixedTarget;
    }
}
