package io.meshlens.proxy.internal.conn;

import java.net.InetSocketAddress;

import io.meshlens.proxy.interception.OriginalDestination;
import io.meshlens.proxy.metrics.Direction;
import io.netty.channel.Channel;

/**
 * One data-path listener: its direction and, for inbound, the app address it forwards to.
 *
 * @param fixedTarget inbound: the app; null for outbound
 * @param transparent whether accepted sockets carry their original destination (iptables REDIRECT)
 */
public record Listener(Direction direction, InetSocketAddress fixedTarget, boolean transparent,
                       OriginalDestination originalDestination) {
    public boolean inbound() {
        return direction == Direction.INBOUND;
    }

    /**
     * Where an accepted connection was headed before interception, or null: outbound the
     * original address, inbound the app's port on loopback.
     */
    public InetSocketAddress originalDestination(Channel accepted) {
        if (!transparent) {
            return null;
        }
        InetSocketAddress od = originalDestination.lookup(accepted);
        if (od == null || !inbound()) {
            return od;
        }
        return new InetSocketAddress("127.0.0.1", od.getPort());
    }

    /** The app address of an inbound connection: the original destination if known, else the fixed target. */
    public InetSocketAddress inboundTarget(Channel accepted) {
        InetSocketAddress od = originalDestination(accepted);
        return od != null ? od : fixedTarget;
    }
}
