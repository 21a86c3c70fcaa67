package io.meshlens.proxy.internal.server;

import io.meshlens.proxy.internal.conn.ConnectionInfo;
import io.meshlens.proxy.internal.conn.Listener;
import io.meshlens.proxy.internal.conn.TcpMetricsHandler;
import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** Sets up an accepted connection: the connection limit, TCP metrics (inbound), then protocol detection. */
final class ServerInitializer extends ChannelInitializer<Channel> {
    private final ProxyContext proxy;
    private final Listener listener;

    ServerInitializer(ProxyContext proxy, Listener listener) {
        this.proxy = proxy;
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!proxy.connections.admit(ch, listener.direction())) {
            return;
        }
        proxy.accepted.add(ch);
        String peer = proxy.metrics.limitPeer(ConnectionInfo.ip(ConnectionInfo.inet(ch.remoteAddress())));
        ConnectionInfo conn = new ConnectionInfo(ch, peer);
        if (listener.inbound()) {
            ch.pipeline().addLast("tcp-metrics", new TcpMetricsHandler(proxy.metrics, Direction.INBOUND, ProxyError.DOWNSTREAM_RESET));
        }
        ch.pipeline().addLast("detect", new ProtocolDetector(proxy, listener, conn));
        if (proxy.draining()) {
            ch.close();
        }
    }
}
