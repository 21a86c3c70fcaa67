package io.meshlens.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

/** The {@code emoji} or {@code voting} gRPC service on one address (plaintext HTTP/2). */
public final class GrpcApp implements AutoCloseable {
    private final Server server;
    private final ScheduledExecutorService timer;

    private GrpcApp(Server server, ScheduledExecutorService timer) {
        this.server = server;
        this.timer = timer;
    }

    public static GrpcApp emoji(InetSocketAddress listen) {
        return start(NettyServerBuilder.forAddress(listen).addService(new EmojiServiceImpl()), null);
    }

    public static GrpcApp voting(InetSocketAddress listen) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "voting-slow");
            t.setDaemon(true);
            return t;
        });
        return start(NettyServerBuilder.forAddress(listen).addService(new VotingServiceImpl(timer).definition()), timer);
    }

    private static GrpcApp start(NettyServerBuilder b, ScheduledExecutorService timer) {
        try {
            return new GrpcApp(b.build().start(), timer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start gRPC server: " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getListenSockets().get(0);
    }

    @Override
    public void close() {
        server.shutdownNow();
        if (timer != null) {
            timer.shutdownNow();
        }
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
