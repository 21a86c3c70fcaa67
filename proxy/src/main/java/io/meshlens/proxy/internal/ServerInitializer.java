package io.meshlens.proxy.internal;

import java.net.InetSocketAddress;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** Sets up an accepted connection: TCP metrics (inbound), then protocol detection. */
final class ServerInitializer extends ChannelInitializer<Channel> {
    private final ListenerContext lc;

    ServerInitializer(ListenerContext lc) {
        this.lc = lc;
    }

    @Override
    protected void initChannel(Channel ch) {
        ProxyContext proxy = lc.proxy;
        if (!proxy.connections.admit(ch, lc.direction)) {
            return;
        }
        proxy.accepted.add(ch);
        var remote = ch.remoteAddress();
        String peer = proxy.metrics.limitPeer(ConnectionInfo.ip(remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null));
        ConnectionInfo conn = new ConnectionInfo(ch, peer);
        if (lc.direction == Direction.INBOUND) {
            ch.pipeline().addLast("tcp-metrics", new TcpMetricsHandler(proxy.metrics, Direction.INBOUND, ProxyError.DOWNSTREAM_RESET));
        }
        ch.pipeline().addLast("detect", new ProtocolDetector(lc, conn));
        if (proxy.draining) {
            ch.close();
        }
    }
}
