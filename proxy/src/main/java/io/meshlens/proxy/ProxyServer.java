package io.meshlens.proxy;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.meshlens.proxy.internal.server.ProxyContext;
import io.meshlens.proxy.internal.server.Servers;
import io.meshlens.proxy.internal.conn.Transport;
import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.meshlens.proxy.tap.Tap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;

/**
 * Starts a proxy in-process: {@code ProxyServer.start(config)} binds every listener (or fails and
 * releases everything it bound) and returns the {@link RunningProxy}.
 *
 * <pre>
 * try (RunningProxy p = ProxyServer.start(ProxyConfig.builder()
 *         .inbound(new PortMapping(new InetSocketAddress("127.0.0.1", 0), app))
 *         .outbound(null).admin(new InetSocketAddress("127.0.0.1", 0)).build())) {
 *     int port = p.inboundPorts().get(0);
 * }
 * </pre>
 */
public final class ProxyServer {
    private ProxyServer() {}

    public static RunningProxy start(ProxyConfig config) {
        requireNonNull(config, "config");
        int threads = config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
        EventLoopGroup boss = Transport.group(1, "meshlens-accept");
        EventLoopGroup workers = Transport.group(threads, "meshlens-io");
        // Own group: data-path load must never starve scrapes, /ready or /shutdown.
        EventLoopGroup admin = Transport.group(1, "meshlens-admin");
        ProxyMetrics metrics = new ProxyMetrics(config, Version.VERSION);
        ProxyContext ctx = new ProxyContext(config, metrics, new Tap(metrics, config.pod()));
        List<Channel> listeners = new ArrayList<>();
        RunningProxy running = new RunningProxy(config, ctx, boss, workers, admin, listeners);
        try {
            List<Integer> inboundPorts = new ArrayList<>();
            for (PortMapping m : config.inbound()) {
                Channel ch = Servers.bindListener(ctx, boss, workers, Direction.INBOUND, m.listen(), m.target());
                listeners.add(ch);
                inboundPorts.add(((InetSocketAddress) ch.localAddress()).getPort());
            }
            int outboundPort = -1;
            if (config.outbound() != null) {
                Channel ch = Servers.bindListener(ctx, boss, workers, Direction.OUTBOUND, config.outbound(), null);
                listeners.add(ch);
                outboundPort = ((InetSocketAddress) ch.localAddress()).getPort();
            }
            Channel adminChannel = Servers.bindAdmin(ctx, admin, config.admin(), running::isReady, running::shutdownAsync);
            running.bound(inboundPorts, outboundPort, adminChannel);
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.close();
            throw new IllegalStateException("interrupted while binding", e);
        } catch (RuntimeException e) {
            running.close();
            throw new IllegalStateException("cannot bind listener: " + e.getMessage(), e);
        }
    }
}
