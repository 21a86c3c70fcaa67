package io.meshlens.cli.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The exporter's {@code /api/v1} (docs/api.md), over the JDK HTTP client. */
public final class ExporterApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public ExporterApi(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    /** {@code GET /api/v1/<path>?params} as JSON; empty parameters are left out. */
    public JsonNode get(String path, Map<String, String> params) {
        HttpRequest req = HttpRequest.newBuilder(uri(path, params)).timeout(Duration.ofSeconds(15)).GET().build();
        HttpResponse<String> rsp;
        try {
            rsp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted");
        }
        JsonNode body = parse(rsp.body());
        if (rsp.statusCode() != 200) {
            throw new ApiException("the exporter answered HTTP " + rsp.statusCode() + ": "
                    + (body.has("error") ? body.get("error").asText() : rsp.body().strip()));
        }
        return body;
    }

    /**
     * Streams {@code /api/v1/tap}: calls {@code onEvent} for each event until it returns false,
     * the stream ends, or the thread is interrupted.
     */
    public void tap(Map<String, String> params, Predicate<JsonNode> onEvent) {
        HttpRequest req = HttpRequest.newBuilder(uri("tap", params)).GET().build();
        HttpResponse<InputStream> rsp;
        try {
            rsp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try (InputStream in = rsp.body();
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            if (rsp.statusCode() != 200) {
                StringBuilder b = new StringBuilder();
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    b.append(l);
                }
                JsonNode err = parseOrNull(b.toString());
                throw new ApiException("the exporter answered HTTP " + rsp.statusCode() + ": "
                        + (err != null && err.has("error") ? err.get("error").asText() : b.toString().strip()));
            }
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode ev = parseOrNull(line);
                if (ev != null && !onEvent.test(ev)) {
                    return;
                }
            }
        } catch (IOException e) {
            if (!Thread.currentThread().isInterrupted()) {
                throw new ApiException("tap stream from " + base + " broke: " + e.getMessage(), e);
            }
        }
    }

    private URI uri(String path, Map<String, String> params) {
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                q.append(q.length() == 0 ? "?" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return base.resolve("/api/v1/" + path + q);
    }

    private ApiException unreachable(IOException e) {
        String why = e instanceof ConnectException ? "connection refused" : String.valueOf(e.getMessage());
        return new ApiException("cannot reach the meshlens exporter at " + base + " (" + why + ")\n"
                + "hint: start the local demo (bash scripts/demo.sh), pass --api URL, or port-forward the exporter:\n"
                + "      kubectl -n meshlens port-forward svc/meshlens-exporter 9995", e);
    }

    private static JsonNode parse(String body) {
        JsonNode n = parseOrNull(body);
        if (n == null) {
            throw new ApiException("the exporter answered something that is not JSON: "
                    + body.substring(0, Math.min(200, body.length())));
        }
        return n;
    }

    private static JsonNode parseOrNull(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            return null;
        }
    }
}
