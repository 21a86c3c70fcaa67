package io.meshlens.proxy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.meshlens.proxy.internal.server.ProxyContext;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;

/**
 * A started proxy: its bound ports, readiness and shutdown. {@link #shutdownAsync()} drains
 * (stops accepting, lets in-flight requests finish up to the drain timeout); {@link #close()}
 * drains and waits.
 */
public final class RunningProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunningProxy.class);

    private final ProxyConfig config;
    private final ProxyContext ctx;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventLoopGroup admin;
    private final List<Channel> listeners;
    private volatile List<Integer> inboundPorts = List.of();
    private volatile int outboundPort = -1;
    private volatile int adminPort = -1;
    private volatile Channel adminChannel;
    private volatile boolean ready;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private CompletableFuture<Void> shutdown;

    RunningProxy(ProxyConfig config, ProxyContext ctx, EventLoopGroup boss, EventLoopGroup workers,
                 EventLoopGroup admin, List<Channel> listeners) {
        this.config = config;
        this.ctx = ctx;
        this.boss = boss;
        this.workers = workers;
        this.admin = admin;
        this.listeners = listeners;
    }

    void bound(List<Integer> inbound, int outbound, Channel adminCh) {
        inboundPorts = List.copyOf(inbound);
        outboundPort = outbound;
        adminChannel = adminCh;
        adminPort = ((InetSocketAddress) adminCh.localAddress()).getPort();
        ready = true;
    }

    /** Ports of the inbound listeners, in {@link ProxyConfig#inbound()} order. */
    public List<Integer> inboundPorts() { return inboundPorts; }
    /** Outbound listener port, -1 if disabled. */
    public int outboundPort() { return outboundPort; }
    public int adminPort() { return adminPort; }
    public ProxyConfig config() { return config; }
    public ProxyMetrics metrics() { return ctx.metrics(); }
    public boolean isReady() { return ready; }
    /** Requests currently being forwarded. */
    public int inFlight() { return ctx.inFlight(); }
    /** Completes once the proxy has fully stopped. */
    public CompletableFuture<Void> terminationFuture() { return terminated; }

    /** Starts a graceful shutdown (idempotent); the future completes when everything is closed. */
    public synchronized CompletableFuture<Void> shutdownAsync() {
        if (shutdown != null) {
            return shutdown;
        }
        shutdown = terminated;
        ready = false;
        for (Channel l : listeners) {
            l.close();
        }
        ctx.startDraining();
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        log.info("draining: {} request(s) in flight, up to {} ms", ctx.inFlight(), config.drainTimeout().toMillis());
        admin.next().execute(() -> awaitDrained(deadline));
        return shutdown;
    }

    private void awaitDrained(long deadline) {
        if (ctx.inFlight() > 0 && System.nanoTime() - deadline < 0) {
            admin.next().schedule(() -> awaitDrained(deadline), 20, TimeUnit.MILLISECONDS);
            return;
        }
        if (ctx.inFlight() > 0) {
            log.warn("drain timeout: closing {} request(s) still in flight", ctx.inFlight());
        }
        new Thread(this::terminate, "meshlens-terminate").start();
    }

    private void terminate() {
        try {
            ctx.acceptedChannels().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            if (adminChannel != null) {
                adminChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            admin.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            boss.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            workers.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            admin.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            ctx.close();
        } finally {
            terminated.complete(null);
        }
    }

    /** Drains and waits until the proxy has stopped. */
    @Override
    public void close() {
        CompletableFuture<Void> f;
        synchronized (this) {
            if (shutdown == null && adminChannel == null) { // failed start: nothing to drain
                shutdown = terminated;
                new Thread(this::terminate, "meshlens-terminate").start();
            }
            f = shutdownAsync();
        }
        f.join();
    }
}
