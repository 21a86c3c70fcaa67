package io.meshlens.proxy.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * A real gRPC server for tests without protobuf codegen (byte[] messages):
 * {@code test.Svc/Unary} answers "status:N" requests with code N and echoes others;
 * {@code test.Svc/ServerStream} sends N (request as decimal) 1 KiB messages;
 * {@code test.Svc/ClientStream} answers with the number of messages received.
 */
public final class GrpcApp implements AutoCloseable {
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    public static final MethodDescriptor<byte[], byte[]> UNARY = method("Unary", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<byte[], byte[]> SERVER_STREAM = method("ServerStream", MethodDescriptor.MethodType.SERVER_STREAMING);
    public static final MethodDescriptor<byte[], byte[]> CLIENT_STREAM = method("ClientStream", MethodDescriptor.MethodType.CLIENT_STREAMING);

    private final Server server;

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Svc", name))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    public GrpcApp() throws IOException {
        ServerServiceDefinition svc = ServerServiceDefinition.builder("test.Svc")
                .addMethod(UNARY, ServerCalls.asyncUnaryCall(GrpcApp::unary))
                .addMethod(SERVER_STREAM, ServerCalls.asyncServerStreamingCall((req, obs) -> {
                    int n = Integer.parseInt(new String(req, StandardCharsets.UTF_8));
                    byte[] chunk = new byte[1024];
                    for (int i = 0; i < n; i++) {
                        obs.onNext(chunk);
                    }
                    obs.onCompleted();
                }))
                .addMethod(CLIENT_STREAM, ServerCalls.asyncClientStreamingCall(obs -> new StreamObserver<byte[]>() {
                    int count;

                    @Override
                    public void onNext(byte[] value) {
                        count++;
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {
                        obs.onNext(Integer.toString(count).getBytes(StandardCharsets.UTF_8));
                        obs.onCompleted();
                    }
                }))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(svc).build().start();
    }

    private static void unary(byte[] req, StreamObserver<byte[]> obs) {
        String s = new String(req, StandardCharsets.UTF_8);
        if (s.startsWith("status:")) {
            int code = Integer.parseInt(s.substring(7));
            if (code != 0) {
                obs.onError(Status.fromCodeValue(code).withDescription("as requested").asRuntimeException());
                return;
            }
        }
        obs.onNext(req);
        obs.onCompleted();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getPort());
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
