package io.meshlens.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP/1.1 app for tests (the JDK's HttpServer) on a loopback address:
 * {@code /status/<code>}, {@code /echo} (body back, with its length), {@code /bytes/<n>},
 * {@code /slow/<ms>}, {@code /hang} (never answers until released), anything else 200 "ok".
 */
public final class Backend implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    public final AtomicInteger requests = new AtomicInteger();
    public final CountDownLatch release = new CountDownLatch(1);
    public final AtomicInteger hanging = new AtomicInteger();

    public Backend() throws IOException {
        this("127.0.0.1");
    }

    public Backend(String ip) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(ip), 0), 128);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        requests.incrementAndGet();
        String path = x.getRequestURI().getPath();
        byte[] in;
        try (InputStream is = x.getRequestBody()) {
            in = is.readAllBytes();
        }
        x.getResponseHeaders().add("x-backend-peer", x.getRemoteAddress().getAddress().getHostAddress());
        x.getResponseHeaders().add("x-backend-host", String.valueOf(x.getRequestHeaders().getFirst("Host")));
        if (path.contains("/status/")) {
            int code = Integer.parseInt(path.substring(path.indexOf("/status/") + 8));
            byte[] b = ("status " + code + "\n").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(code, code == 204 || code == 304 ? -1 : b.length);
            if (code != 204 && code != 304) {
                x.getResponseBody().write(b);
            }
        } else if (path.equals("/echo")) {
            x.getResponseHeaders().add("x-request-length", Integer.toString(in.length));
            x.sendResponseHeaders(200, in.length == 0 ? -1 : in.length);
            x.getResponseBody().write(in);
        } else if (path.startsWith("/bytes/")) {
            long n = Long.parseLong(path.substring(7));
            x.sendResponseHeaders(200, 0); // chunked
            byte[] chunk = new byte[8192];
            try (OutputStream os = x.getResponseBody()) {
                for (long sent = 0; sent < n; sent += chunk.length) {
                    os.write(chunk, 0, (int) Math.min(chunk.length, n - sent));
                }
            }
        } else if (path.startsWith("/slow/")) {
            try {
                Thread.sleep(Long.parseLong(path.substring(6))); // the app being slow is the point
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(200, 2);
            x.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
        } else if (path.equals("/hang")) {
            hanging.incrementAndGet();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(200, 2);
            x.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
        } else {
            x.sendResponseHeaders(200, 2);
            x.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
        }
        x.close();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
