package io.meshlens.cli.dashboard;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The dashboard's only data source: the exporter's live API (docs/api.md), relayed same-origin so
 * that the browser never talks to the exporter and never sees the tap token. JSON answers pass
 * through unchanged; tap events are cut down to the fields the page shows.
 */
final class ExporterRelay {
    /** The read-only API paths the pages use. */
    static final Set<String> JSON_PATHS = Set.of("stat", "edges", "routes", "proxies", "version");
    /** The query parameters the pages may pass; the rest are dropped. */
    static final List<String> PARAMS = List.of("resource", "namespace", "name", "window", "from", "from_namespace",
            "to", "to_namespace", "direction", "method", "path", "status");
    /** What a tap row shows: never a header, a body, or a query string. */
    static final List<String> TAP_FIELDS = List.of("type", "id", "direction", "method", "authority", "path",
            "status_code", "grpc_status", "latency_seconds", "duration_seconds", "error", "namespace", "pod",
            "src_namespace", "src_kind", "src_workload", "dst_namespace", "dst_kind", "dst_workload");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI api;
    private final String tapToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1).build();

    /** An answer to relay: status, content type, body. */
    record Answer(int status, byte[] body) {}

    ExporterRelay(URI api, String tapToken) {
        this.api = requireNonNull(api, "api");
        this.tapToken = requireNonNull(tapToken, "tapToken");
    }

    URI api() {
        return api;
    }

    /** {@code GET /api/v1/<path>}; an exporter that cannot be reached is a 502 that says so. */
    Answer get(String path, String rawQuery) {
        HttpRequest req = HttpRequest.newBuilder(uri(path, rawQuery)).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<byte[]> rsp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(rsp.statusCode(), rsp.body());
        } catch (IOException e) {
            return unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(new IOException("interrupted"));
        }
    }

    /**
     * Streams {@code /api/v1/tap} into {@code out} as newline-delimited JSON until the browser or
     * the exporter goes away. Returns the exporter's answer instead when it is not a stream.
     */
    Answer tap(String rawQuery, StreamStart start) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri("tap", rawQuery)).GET();
        if (!tapToken.isEmpty()) {
            req.header("Authorization", "Bearer " + tapToken);
        }
        HttpResponse<InputStream> rsp;
        try {
            rsp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(new IOException("interrupted"));
        }
        try (InputStream body = rsp.body()) {
            if (rsp.statusCode() != 200) {
                return new Answer(rsp.statusCode(), body.readNBytes(4096));
            }
            OutputStream out = start.open();
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null) {
                // Blank lines are the exporter's heartbeat: relaying them notices a closed tab.
                out.write((line.isBlank() ? "" : visible(line)).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                out.flush();
            }
            return null;
        }
    }

    /** Opens the response stream once the upstream tap is known to be a stream. */
    @FunctionalInterface
    interface StreamStart {
        OutputStream open() throws IOException;
    }

    /** A tap event with only {@link #TAP_FIELDS}, and a path without its query string. */
    static String visible(String line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            return "{\"type\":\"error\",\"error\":\"unparseable tap event\"}";
        }
        ObjectNode out = JSON.createObjectNode();
        for (String f : TAP_FIELDS) {
            if (n.has(f)) {
                out.set(f, n.get(f));
            }
        }
        if (out.path("path").isTextual()) {
            String p = out.get("path").asText();
            int q = p.indexOf('?');
            out.put("path", q < 0 ? p : p.substring(0, q));
        }
        return out.toString();
    }

    private URI uri(String path, String rawQuery) {
        Map<String, String> q = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (PARAMS.contains(k) && eq > 0) {
                    q.put(k, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        StringBuilder s = new StringBuilder();
        q.forEach((k, v) -> s.append(s.length() == 0 ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return api.resolve("/api/v1/" + path + s);
    }

    private Answer unreachable(IOException e) {
        String why = e instanceof ConnectException ? "connection refused" : String.valueOf(e.getMessage());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "cannot reach the meshlens exporter at " + api + " (" + why + ")");
        body.put("unreachable", true);
        body.put("hint", "start the local demo (meshlens demo), pass --api URL, or port-forward the exporter: "
                + "kubectl -n meshlens port-forward svc/meshlens-exporter 9995");
        try {
            return new Answer(502, JSON.writeValueAsBytes(body));
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
