package io.meshlens.cli.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

class ExporterApiTest {
    @Test
    void anAnswerThatLacksANodeIsFlaggedOncePerNode() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/stat", x -> {
            byte[] b = ("{\"rows\": [], \"exporters\": 2, \"partial\": true, \"missing\": ["
                    + "{\"node\": \"node-c\", \"exporter\": \"meshlens/meshlens-exporter-x\", \"error\": \"10.1.3.9:9995: connection refused\"},"
                    + "{\"node\": \"node-d\", \"exporter\": \"\", \"error\": \"no exporter pod on this node\"}]}").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.start();
        try {
            List<String> warnings = new ArrayList<>();
            new ExporterApi(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), warnings::add).get("stat", Map.of());
            assertThat(warnings).containsExactly(
                    "Warning: partial answer: nothing from node node-c (exporter meshlens/meshlens-exporter-x): 10.1.3.9:9995: connection refused",
                    "Warning: partial answer: nothing from node node-d: no exporter pod on this node");
        } finally {
            server.stop(0);
        }
    }
}
