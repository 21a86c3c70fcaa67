package io.meshlens.cli.api;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Instant queries against Prometheus' HTTP API ({@code /api/v1/query}). */
public final class PrometheusApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public PrometheusApi(URI base) {
        this.base = base;
    }

    /**
     * Runs an instant vector query; returns each series' labels (as one key built from
     * {@code keyLabels}) and value. NaN values (0/0 ratios) are kept as NaN.
     */
    public Map<String, Double> vector(String promql, String... keyLabels) {
        URI uri = base.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> rsp;
        try {
            rsp = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw NetworkErrors.unreachable("Prometheus", base, e,
                    "is Prometheus running there? The local demo's is http://127.0.10.100:9090; in a cluster:\n"
                    + "      kubectl -n monitoring port-forward svc/prometheus 9090, then --prometheus http://localhost:9090");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(rsp.body());
        } catch (IOException e) {
            throw new ApiException("Prometheus at " + base + " answered HTTP " + rsp.statusCode() + " without JSON");
        }
        if (!"success".equals(body.path("status").asText())) {
            throw new ApiException("Prometheus rejected the query " + promql + ": " + body.path("error").asText());
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (JsonNode r : body.path("data").path("result")) {
            StringBuilder key = new StringBuilder();
            for (String l : keyLabels) {
                key.append(key.length() == 0 ? "" : "/").append(r.path("metric").path(l).asText());
            }
            out.put(key.toString(), Double.parseDouble(r.path("value").get(1).asText()));
        }
        return out;
    }
}
