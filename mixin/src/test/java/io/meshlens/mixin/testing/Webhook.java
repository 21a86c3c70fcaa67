package io.meshlens.mixin.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/** A real webhook receiver (the JDK's HTTP server) that keeps every Alertmanager notification per path. */
public final class Webhook implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    public final List<JsonNode> page = new CopyOnWriteArrayList<>();
    public final List<JsonNode> ticket = new CopyOnWriteArrayList<>();

    public Webhook(String ip) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(ip), 0), 16);
        server.createContext("/page", x -> receive(x, page));
        server.createContext("/ticket", x -> receive(x, ticket));
        server.start();
    }

    private static void receive(com.sun.net.httpserver.HttpExchange x, List<JsonNode> into) throws IOException {
        try (InputStream in = x.getRequestBody()) {
            into.add(JSON.readTree(in));
        }
        x.sendResponseHeaders(200, -1);
        x.close();
    }

    public String url(String path) {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
