package io.meshlens.proxy.conformance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.testing.integration.TestServiceImpl;

/**
 * gRPC's interop test service (the official implementation, with its interceptors for echoed
 * metadata and status) on a loopback port, recording every call it saw: its status and the
 * message bytes on the wire each way, which is what the proxy must count.
 */
final class InteropServer implements AutoCloseable {
    /** What the server saw of one call: message bytes each way as on the wire (compressed), 5-byte prefixes included. */
    record Call(String method, Status.Code status, long requestBytes, long responseBytes) {}

    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final Server server;

    InteropServer() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(16 * 1024 * 1024)
                .addStreamTracerFactory(new ServerStreamTracer.Factory() {
                    @Override
                    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
                        open.incrementAndGet();
                        return new Recorder(fullMethodName);
                    }
                })
                .addService(ServerInterceptors.intercept(new TestServiceImpl(executor), TestServiceImpl.interceptors()))
                .build().start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getPort());
    }

    /** Calls that started and have not ended yet. */
    int open() {
        return open.get();
    }

    /** Calls that ended since the last drain. */
    List<Call> drain() {
        synchronized (calls) {
            List<Call> out = List.copyOf(calls);
            calls.clear();
            return out;
        }
    }

    private final class Recorder extends ServerStreamTracer {
        private final String method;
        private final AtomicLong in = new AtomicLong();
        private final AtomicLong out = new AtomicLong();

        Recorder(String method) {
            this.method = method;
        }

        @Override
        public void inboundMessage(int seqNo) {
            in.addAndGet(5);
        }

        @Override
        public void inboundWireSize(long bytes) {
            in.addAndGet(bytes);
        }

        @Override
        public void outboundMessage(int seqNo) {
            out.addAndGet(5);
        }

        @Override
        public void outboundWireSize(long bytes) {
            out.addAndGet(bytes);
        }

        @Override
        public void streamClosed(Status status) {
            calls.add(new Call(method, status.getCode(), in.get(), out.get()));
            open.decrementAndGet();
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        executor.shutdownNow();
    }
}
