package io.meshlens.exporter.api;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshlens.exporter.discovery.Cluster;
import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.WorkloadRef;
import io.meshlens.exporter.identity.IdentityResolver;
import io.meshlens.exporter.scrape.Hosts;

/**
 * Streams the tap of every pod of a resource to one client: opens each proxy's admin
 * {@code /tap} (with the configured token), adds workload identity to every event, and writes
 * the merged stream as newline-delimited JSON. A blank line goes out every few seconds so that
 * a client that went away is noticed and every upstream tap is closed.
 */
final class TapFanout {
    /** The proxy's /tap filters, passed through unchanged. */
    static final List<String> FILTERS = List.of("direction", "method", "authority", "path", "status", "peer", "max_rps");
    private static final long HEARTBEAT_MILLIS = 2000;

    private final Cluster cluster;
    private final ExecutorService pool;
    private final String token;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client;

    TapFanout(Cluster cluster, ExecutorService pool, String token) {
        this.cluster = requireNonNull(cluster, "cluster");
        this.pool = requireNonNull(pool, "pool");
        this.token = requireNonNull(token, "token");
        this.client = HttpClient.newBuilder().executor(pool).connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Blocks until the client goes away or every upstream tap has ended. */
    void stream(List<PodInfo> pods, Map<String, String> filters, OutputStream out) throws IOException {
        AtomicBoolean done = new AtomicBoolean();
        List<InputStream> upstreams = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(pods.size());
        IdentityResolver resolver = new IdentityResolver(cluster);
        Object lock = new Object();
        String query = query(filters);
        for (PodInfo pod : pods) {
            WorkloadRef workload = cluster.workloadOf(pod);
            pool.execute(() -> {
                try {
                    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://"
                            + Hosts.hostPort(pod.ip(), pod.adminPort()) + "/tap" + query));
                    if (!token.isEmpty()) {
                        req.header("Authorization", "Bearer " + token);
                    }
                    HttpResponse<InputStream> rsp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
                    upstreams.add(rsp.body());
                    if (done.get()) {
                        rsp.body().close();
                        return;
                    }
                    if (rsp.statusCode() != 200) {
                        String why = new String(rsp.body().readNBytes(512), StandardCharsets.UTF_8).trim();
                        write(out, lock, done, error(pod, "HTTP " + rsp.statusCode() + ": " + why));
                        return;
                    }
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(rsp.body(), StandardCharsets.UTF_8))) {
                        String line;
                        while (!done.get() && (line = r.readLine()) != null) {
                            if (!line.isBlank()) {
                                write(out, lock, done, enrich(line, pod, workload, resolver));
                            }
                        }
                    }
                } catch (IOException e) {
                    if (!done.get()) {
                        write(out, lock, done, error(pod, e.toString()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    ended.countDown();
                }
            });
        }
        try {
            while (!done.get() && !ended.await(HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS)) {
                write(out, lock, done, ""); // notices a client that went away
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            done.set(true);
            for (InputStream in : upstreams) {
                try {
                    in.close(); // ends the upstream tap: the proxy unsubscribes
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    private static void write(OutputStream out, Object lock, AtomicBoolean done, String line) {
        synchronized (lock) {
            if (done.get()) {
                return;
            }
            try {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                done.set(true);
            }
        }
    }

    private String enrich(String line, PodInfo pod, WorkloadRef workload, IdentityResolver resolver) {
        try {
            JsonNode n = json.readTree(line);
            if (!(n instanceof ObjectNode)) {
                return line;
            }
            ObjectNode o = (ObjectNode) n;
            boolean outbound = "outbound".equals(o.path("direction").asText());
            String authority = o.path("authority").asText("");
            WorkloadRef src = outbound ? workload : resolver.resolve(ip(o.path("src").asText("")), "", false, pod.namespace());
            WorkloadRef dst = outbound ? resolver.resolve(ip(o.path("dst").asText("")), authority, true, pod.namespace()) : workload;
            o.put("namespace", pod.namespace());
            o.put("pod", pod.name());
            o.put("workload_kind", workload.kind());
            o.put("workload", workload.name());
            o.put("src_namespace", src.namespace());
            o.put("src_kind", src.kind());
            o.put("src_workload", src.name());
            o.put("dst_namespace", dst.namespace());
            o.put("dst_kind", dst.kind());
            o.put("dst_workload", dst.name());
            return json.writeValueAsString(o);
        } catch (IOException e) {
            return error(pod, "unparseable tap event from the proxy");
        }
    }

    private String error(PodInfo pod, String message) {
        ObjectNode o = json.createObjectNode();
        o.put("type", "error");
        o.put("namespace", pod.namespace());
        o.put("pod", pod.name());
        o.put("error", message);
        return o.toString();
    }

    /** {@code 10.0.0.7:4143} or {@code [fd00::1]:80} -> the IP. */
    static String ip(String address) {
        if (address.startsWith("[")) {
            int end = address.indexOf(']');
            return end > 0 ? address.substring(1, end) : address;
        }
        int colon = address.lastIndexOf(':');
        return colon > 0 ? address.substring(0, colon) : address;
    }

    private static String query(Map<String, String> filters) {
        List<String> parts = new ArrayList<>();
        for (String f : FILTERS) {
            String v = filters.get(f);
            if (v != null && !v.isEmpty()) {
                parts.add(f + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }
}
