package io.meshlens.exporter.api;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.meshlens.exporter.ExporterConfig;
import io.meshlens.exporter.ExporterVersion;
import io.meshlens.exporter.collect.CollectionLoop;
import io.meshlens.exporter.collect.MetricsOutput;
import io.meshlens.exporter.collect.TargetState;
import io.meshlens.exporter.discovery.Cluster;
import io.meshlens.exporter.discovery.Meshed;
import io.meshlens.exporter.discovery.PodInfo;
import io.meshlens.exporter.discovery.WorkloadRef;
import io.meshlens.exporter.live.LiveWindow;
import io.meshlens.exporter.peers.PeerSelector;
import io.meshlens.exporter.peers.Shard;
import io.meshlens.exporter.peers.ShardGatherer;
import io.meshlens.exporter.peers.ShardGatherer.Gathered;
import io.meshlens.exporter.peers.ShardJson;
import io.meshlens.exporter.scrape.Hosts;

/**
 * The exporter's HTTP surface on one port: {@code /metrics} for Prometheus, {@code /ready},
 * {@code /live}, and the JSON API of docs/api.md that the CLI reads. In DaemonSet mode the live
 * views answer for the whole cluster: this exporter's window plus its peers' ({@code /api/v1/shard}).
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final int MAX_TAPS = 16;

    private final ExporterConfig config;
    private final Cluster cluster;
    private final CollectionLoop loop;
    private final LiveWindow live;
    private final MetricsOutput metrics;
    private final BooleanSupplier ready;
    private final ObjectMapper json = new ObjectMapper();
    private final ThreadPoolExecutor pool;
    private final TapFanout taps;
    private final AtomicInteger activeTaps = new AtomicInteger();
    private final HttpServer server;
    private final PeerSelector peers;
    private final ShardGatherer gatherer;

    public HttpApi(ExporterConfig config, Cluster cluster, CollectionLoop loop, LiveWindow live, MetricsOutput metrics,
                   BooleanSupplier ready) throws IOException {
        this.config = requireNonNull(config, "config");
        this.cluster = requireNonNull(cluster, "cluster");
        this.loop = requireNonNull(loop, "loop");
        this.live = requireNonNull(live, "live");
        this.metrics = requireNonNull(metrics, "metrics");
        this.ready = requireNonNull(ready, "ready");
        // Bounded: a flood of API calls is refused (503) rather than exhausting threads.
        this.pool = new ThreadPoolExecutor(4, 128, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "meshlens-api");
            t.setDaemon(true);
            return t;
        });
        this.taps = new TapFanout(cluster, pool, config.tapToken());
        server = HttpServer.create(config.listen(), 128);
        server.setExecutor(pool);
        server.createContext("/metrics", this::metrics);
        server.createContext("/ready", x -> text(x, ready.getAsBoolean() ? 200 : 503, readiness()));
        server.createContext("/live", x -> text(x, 200, "live\n"));
        server.createContext("/api/v1/stat", x -> json(x, this::stat));
        server.createContext("/api/v1/edges", x -> json(x, this::edges));
        server.createContext("/api/v1/routes", x -> json(x, this::routes));
        server.createContext("/api/v1/proxies", x -> json(x, q -> proxies()));
        server.createContext("/api/v1/version", x -> json(x, q -> version()));
        server.createContext("/api/v1/tap", this::tap);
        server.createContext("/api/v1/shard", x -> json(x, q -> ShardJson.encode(localShard(window(q)))));
        server.createContext("/", x -> text(x, 404, "not found: " + x.getRequestURI().getPath() + "\n"));
        boolean sharded = !config.nodeName().isEmpty() && !config.peerSelector().isEmpty();
        // Peers run the same pod template, so they listen on the port this exporter got.
        peers = sharded ? new PeerSelector(config.peerNamespace(), config.peerSelector(), config.nodeName(),
                server.getAddress().getPort()) : null;
        gatherer = sharded ? new ShardGatherer(config.peerTimeout()) : null;
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private String readiness() {
        String why = cluster.degradedReason();
        if (!loop.latest().done()) {
            return "not ready: the first scrape cycle has not finished" + (why.isEmpty() ? "" : "; " + why) + "\n";
        }
        return why.isEmpty() ? "ready\n" : "not ready: " + why + "\n";
    }

    private void metrics(HttpExchange x) throws IOException {
        try (x) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024);
            String type = metrics.write(x.getRequestHeaders().getFirst("Accept"), buf);
            x.getResponseHeaders().set("Content-Type", type);
            x.sendResponseHeaders(200, buf.size());
            buf.writeTo(x.getResponseBody());
        } catch (RuntimeException e) {
            log.error("/metrics failed", e);
            throw e;
        }
    }

    @FunctionalInterface
    private interface JsonHandler {
        Object handle(Map<String, String> query);
    }

    private void json(HttpExchange x, JsonHandler h) throws IOException {
        try (x) {
            int status = 200;
            Object body;
            try {
                if (!"GET".equals(x.getRequestMethod())) {
                    throw new ApiException(405, "method " + x.getRequestMethod() + " (expected: GET)");
                }
                body = h.handle(query(x));
            } catch (ApiException e) {
                status = e.status;
                body = Map.of("error", e.getMessage());
            } catch (RuntimeException e) {
                log.error("{} failed", x.getRequestURI(), e);
                status = 500;
                body = Map.of("error", "internal error: " + e);
            }
            byte[] b = json.writeValueAsBytes(body);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
        }
    }

    private Duration window(Map<String, String> q) {
        String w = q.getOrDefault("window", "1m");
        Duration d;
        try {
            d = ExporterConfig.parseDuration("window", w);
        } catch (RuntimeException e) {
            throw new ApiException(400, "window: '" + w + "' (expected: a duration like 10s, 1m, 5m)");
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(config.liveRetention()) > 0) {
            throw new ApiException(400, "window: '" + w + "' (expected: 1s to " + config.liveRetention().toSeconds() + "s)");
        }
        return d;
    }

    private Object stat(Map<String, String> q) {
        ResourceKind kind = ResourceKind.parse("resource", q.getOrDefault("resource", "deploy"));
        String ns = q.getOrDefault("namespace", "");
        ResourceRef from = ref(q, "from", ns);
        ResourceRef to = ref(q, "to", ns);
        Existence.require(cluster, kind, ns, q.getOrDefault("name", ""));
        Gathered g = gather(window(q));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window", q.getOrDefault("window", "1m"));
        out.put("window_seconds", g.delta().seconds());
        out.put("rows", Queries.stat(cluster, g.delta(), kind, ns, q.getOrDefault("name", ""), from, to));
        return scope(out, g);
    }

    private static ResourceRef ref(Map<String, String> q, String param, String namespace) {
        String v = q.get(param);
        if (v == null || v.isEmpty()) {
            return null;
        }
        ResourceRef r = ResourceRef.parse(param, v, q.getOrDefault(param + "_namespace", namespace));
        if (r.kind() == ResourceKind.POD) {
            throw new ApiException(400, param + ": '" + v + "' (expected: a workload or namespace; the other side of "
                    + "traffic is known by workload, not by pod)");
        }
        return r;
    }

    private Object edges(Map<String, String> q) {
        Existence.require(cluster, ResourceKind.NAMESPACE, q.getOrDefault("namespace", ""), "");
        Gathered g = gather(window(q));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window", q.getOrDefault("window", "1m"));
        out.put("window_seconds", g.delta().seconds());
        out.put("rows", Queries.edges(cluster, g.delta(), q.getOrDefault("namespace", "")));
        return scope(out, g);
    }

    private Object routes(Map<String, String> q) {
        String name = q.get("name");
        if (name == null || name.isEmpty()) {
            throw new ApiException(400, "name: missing (expected: the resource whose routes to show)");
        }
        ResourceKind kind = ResourceKind.parse("resource", q.getOrDefault("resource", "deploy"));
        Existence.require(cluster, kind, q.getOrDefault("namespace", ""), name);
        Gathered g = gather(window(q));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window", q.getOrDefault("window", "1m"));
        out.put("window_seconds", g.delta().seconds());
        out.put("rows", Queries.routes(g.delta(), new ResourceRef(kind, q.getOrDefault("namespace", ""), name)));
        return scope(out, g);
    }

    /** This exporter's own window and proxies: what it answers to its peers. */
    private Shard localShard(Duration window) {
        return new Shard(config.nodeName(), live.delta(window), localProxies());
    }

    /** The whole cluster's window: this exporter's, plus its peers' in DaemonSet mode. */
    private Gathered gather(Duration window) {
        Shard local = localShard(window);
        return peers == null ? Gathered.of(local) : gatherer.gather(local, peers.peers(cluster), window);
    }

    /** Says how complete an answer is: how many exporters' windows it holds and which were missing. */
    private static Map<String, Object> scope(Map<String, Object> out, Gathered g) {
        out.put("exporters", g.shards());
        out.put("partial", g.partial());
        out.put("missing", g.missing());
        return out;
    }

    /**
     * Every meshed pod of the cluster, whatever its phase; a pod that no exporter answered for
     * is listed down, with the reason. Never blocks on a pod that is gone.
     */
    private Map<String, Object> proxies() {
        Gathered g = gather(Duration.ofSeconds(1));
        List<Map<String, Object>> rows = new ArrayList<>(g.proxies());
        Set<String> listed = new HashSet<>();
        for (Map<String, Object> r : rows) {
            listed.add(r.get("namespace") + "/" + r.get("pod"));
        }
        for (PodInfo p : cluster.pods()) {
            if (p.meshed() && !listed.contains(p.key())) {
                Map<String, Object> row = proxyRow(p, null);
                row.put("last_error", p.node().isEmpty() ? "not scheduled to a node yet"
                        : "not scraped: no answer from the exporter of node " + p.node());
                rows.add(row);
            }
        }
        rows.sort(Comparator.comparing((Map<String, Object> r) -> String.valueOf(r.get("namespace")))
                .thenComparing(r -> String.valueOf(r.get("pod"))));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("proxies", rows);
        return scope(out, g);
    }

    /** The meshed pods this exporter scrapes (its node's in DaemonSet mode). */
    private List<Map<String, Object>> localProxies() {
        Map<String, TargetState> targets = loop.latest().targets();
        List<Map<String, Object>> out = new ArrayList<>();
        for (PodInfo p : cluster.pods()) {
            if (p.meshed() && (config.nodeName().isEmpty() || config.nodeName().equals(p.node()))) {
                out.add(proxyRow(p, targets.get(p.key())));
            }
        }
        return out;
    }

    private Map<String, Object> proxyRow(PodInfo p, TargetState t) {
        WorkloadRef w = cluster.workloadOf(p);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("namespace", p.namespace());
        row.put("pod", p.name());
        row.put("workload_kind", w.kind());
        row.put("workload", w.name());
        row.put("address", p.ip().isEmpty() ? "" : Hosts.hostPort(p.ip(), p.adminPort()));
        row.put("phase", p.state());
        row.put("finished", p.finished());
        row.put("version", versionOf(p, t));
        row.put("up", t != null && t.up());
        row.put("ready", t != null && t.up() && p.ready() && p.scrapeable());
        row.put("last_error", t == null ? (p.scrapeable() ? "not scraped yet" : null) : t.lastError().isEmpty() ? null : t.lastError());
        return row;
    }

    private static String versionOf(PodInfo p, TargetState t) {
        if (t != null && !t.version().isEmpty()) {
            return t.version();
        }
        return p.annotations().getOrDefault(Meshed.PROXY_VERSION_ANNOTATION, "");
    }

    @SuppressWarnings("unchecked")
    private Object version() {
        Map<String, Object> all = proxies();
        Map<String, Integer> byVersion = new TreeMap<>();
        for (Map<String, Object> p : (List<Map<String, Object>>) all.get("proxies")) {
            if (!Boolean.TRUE.equals(p.get("finished"))) {
                String v = (String) p.get("version");
                byVersion.merge(v.isEmpty() ? "unknown" : v, 1, Integer::sum);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("exporter", ExporterVersion.VERSION);
        out.put("proxies", byVersion);
        out.put("exporters", all.get("exporters"));
        out.put("partial", all.get("partial"));
        out.put("missing", all.get("missing"));
        return out;
    }

    private void tap(HttpExchange x) throws IOException {
        try (x) {
            Map<String, String> q;
            List<PodInfo> pods;
            try {
                authorizeTap(x);
                q = query(x);
                pods = tapTargets(q);
            } catch (ApiException e) {
                byte[] b = json.writeValueAsBytes(Map.of("error", e.getMessage()));
                x.getResponseHeaders().set("Content-Type", "application/json");
                x.sendResponseHeaders(e.status, b.length);
                x.getResponseBody().write(b);
                return;
            }
            if (activeTaps.incrementAndGet() > MAX_TAPS) {
                activeTaps.decrementAndGet();
                text(x, 503, "too many tap sessions (" + MAX_TAPS + ")\n");
                return;
            }
            try {
                x.getResponseHeaders().set("Content-Type", "application/x-ndjson");
                x.getResponseHeaders().set("Cache-Control", "no-store");
                x.sendResponseHeaders(200, 0);
                OutputStream out = x.getResponseBody();
                taps.stream(pods, q, out);
            } finally {
                activeTaps.decrementAndGet();
            }
        }
    }

    private void authorizeTap(HttpExchange x) {
        InetSocketAddress caller = x.getRemoteAddress();
        String refused = TapAccess.refusal(caller == null ? null : caller.getAddress(),
                x.getRequestHeaders().getFirst("Authorization"), config.tapToken());
        if (refused != null) {
            throw new ApiException(403, refused);
        }
    }

    private List<PodInfo> tapTargets(Map<String, String> q) {
        String name = q.getOrDefault("name", "");
        String ns = q.getOrDefault("namespace", "");
        ResourceKind kind = ResourceKind.parse("resource", q.getOrDefault("resource", "deploy"));
        if (name.isEmpty() && kind != ResourceKind.NAMESPACE) {
            throw new ApiException(400, "name: missing (expected: the resource to tap, e.g. name=web)");
        }
        Existence.require(cluster, kind, ns, name);
        List<PodInfo> out = new ArrayList<>();
        for (PodInfo p : cluster.pods()) {
            if (!p.scrapeable() || (!ns.isEmpty() && !ns.equals(p.namespace()))) {
                continue;
            }
            WorkloadRef w = cluster.workloadOf(p);
            boolean match = switch (kind) {
                case POD -> p.name().equals(name);
                case NAMESPACE -> name.isEmpty() || p.namespace().equals(name);
                default -> kind.kind.equals(w.kind()) && w.name().equals(name);
            };
            if (match) {
                out.add(p);
            }
        }
        if (out.isEmpty()) {
            throw new ApiException(404, "no running meshed pod of " + kind.kind + "/" + name
                    + (ns.isEmpty() ? "" : " in namespace " + ns));
        }
        return out;
    }

    private static Map<String, String> query(HttpExchange x) {
        Map<String, String> out = new HashMap<>();
        String raw = x.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static void text(HttpExchange x, int status, String body) throws IOException {
        try (x) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    ExecutorService pool() {
        return pool;
    }
}
