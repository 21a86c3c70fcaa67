package io.meshlens.bench.load;

import java.net.InetSocketAddress;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

/** A gRPC backend for the generator: {@code GrpcEchoServer host:port}; runs until killed. */
public final class GrpcEchoServer {
    private GrpcEchoServer() {}

    public static Server start(InetSocketAddress address) throws java.io.IOException {
        return NettyServerBuilder.forAddress(address).directExecutor().addService(GrpcEcho.service()).build().start();
    }

    public static void main(String[] args) throws Exception {
        String[] hp = args[0].split(":");
        Server s = start(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
        System.err.println("grpc echo on " + args[0]);
        s.awaitTermination();
    }
}
