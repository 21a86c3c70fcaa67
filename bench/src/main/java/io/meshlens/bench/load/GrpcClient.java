package io.meshlens.bench.load;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

/** gRPC unary calls of {@link GrpcEcho#METHOD} with a small payload, over h2c. */
final class GrpcClient implements LoadClient {
    private static final byte[] PAYLOAD = new byte[32];
    private final ManagedChannel channel;
    private final Results results;
    private final AtomicLong inFlight = new AtomicLong();

    GrpcClient(URI uri, String authority, Results results) {
        this.results = results;
        var b = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().directExecutor();
        if (authority != null) {
            b.overrideAuthority(authority);
        }
        channel = b.build();
    }

    @Override
    public void send(long intendedNanos) {
        results.sent();
        inFlight.incrementAndGet();
        ClientCalls.asyncUnaryCall(channel.newCall(GrpcEcho.METHOD, CallOptions.DEFAULT), PAYLOAD,
                new StreamObserver<byte[]>() {
                    @Override
                    public void onNext(byte[] value) {}

                    @Override
                    public void onError(Throwable t) {
                        inFlight.decrementAndGet();
                        // a call that ended with a status still got an answer: record its latency
                        results.completed(intendedNanos, System.nanoTime(), false);
                    }

                    @Override
                    public void onCompleted() {
                        inFlight.decrementAndGet();
                        results.completed(intendedNanos, System.nanoTime(), true);
                    }
                });
    }

    @Override
    public long inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
