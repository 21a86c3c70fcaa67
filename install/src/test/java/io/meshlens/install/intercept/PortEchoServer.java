package io.meshlens.install.intercept;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import com.sun.net.httpserver.HttpServer;

/**
 * The unmodified app of the network-namespace test, run as its own process inside a namespace:
 * an HTTP server on each given port answering {@code port=<its port> from=<caller address>}. It
 * knows nothing about meshlens.
 */
public final class PortEchoServer {
    private PortEchoServer() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        for (String a : args) {
            int port = Integer.parseInt(a);
            HttpServer s = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 64);
            s.createContext("/", ex -> {
                byte[] body = ("port=" + port + " from=" + ex.getRemoteAddress().getAddress().getHostAddress() + "\n").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            });
            s.start();
        }
        System.out.println("listening");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
