package io.meshlens.cli.dashboard;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * {@code meshlens dashboard}'s web server: the single-page dashboard from the jar plus a
 * same-origin relay of the exporter's live API ({@link ExporterRelay}). Listens on loopback only;
 * every request passes the {@link RequestGuard} first.
 */
public final class DashboardServer implements AutoCloseable {
    /** The Grafana workload dashboard's uid (grafana/dashboards/meshlens-workload.json). */
    public static final String GRAFANA_WORKLOAD_UID = "meshlens-workload";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_THREADS = 64;

    private final Options options;
    private final ExporterRelay relay;
    private final StaticFiles files = new StaticFiles();
    private final ThreadPoolExecutor pool;
    private final HttpServer server;
    private final RequestGuard guard;

    /**
     * What to serve and where. {@code grafana} may be null (no Grafana links); {@code tapToken} is
     * sent to the exporter, never to the browser.
     */
    public record Options(InetSocketAddress listen, URI api, URI grafana, String tapToken, Duration refresh, String window) {
        public Options {
            requireNonNull(listen, "listen");
            requireNonNull(api, "api");
            requireNonNull(tapToken, "tapToken");
            requireNonNull(refresh, "refresh");
            requireNonNull(window, "window");
            InetAddress a = listen.getAddress();
            if (a == null || !a.isLoopbackAddress()) {
                throw new IllegalArgumentException("address: '" + listen.getHostString()
                        + "' (expected: a loopback address such as 127.0.0.1; the dashboard relays tap, so it never "
                        + "listens beyond this machine: reach it from elsewhere with ssh -L)");
            }
        }
    }

    private DashboardServer(Options options) throws IOException {
        this.options = options;
        this.relay = new ExporterRelay(options.api(), options.tapToken());
        // Bounded: tap streams hold a thread each; past the bound a request is refused, not queued.
        this.pool = new ThreadPoolExecutor(4, MAX_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "meshlens-dashboard");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(options.listen(), 64);
        this.guard = new RequestGuard(server.getAddress().getPort());
        server.setExecutor(pool);
        server.createContext("/", this::handle);
    }

    public static DashboardServer start(Options options) throws IOException {
        DashboardServer s = new DashboardServer(requireNonNull(options, "options"));
        s.server.start();
        return s;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Where a person opens the dashboard. */
    public URI url() {
        InetSocketAddress a = address();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/");
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            Headers h = x.getRequestHeaders();
            String refused = guard.refusal(h.getFirst("Host"), h.getFirst("Origin"), h.getFirst("Sec-Fetch-Site"));
            if (refused != null) {
                send(x, 403, "text/plain; charset=utf-8", ("forbidden: " + refused + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!"GET".equals(x.getRequestMethod())) {
                x.getResponseHeaders().set("Allow", "GET");
                send(x, 405, "text/plain; charset=utf-8", ("method " + x.getRequestMethod() + " (expected: GET)\n")
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = x.getRequestURI().getPath();
            if (path.equals("/config.json")) {
                send(x, 200, "application/json", JSON.writeValueAsBytes(config()));
            } else if (path.equals("/api/v1/tap")) {
                tap(x);
            } else if (path.startsWith("/api/v1/") && ExporterRelay.JSON_PATHS.contains(path.substring(8))) {
                ExporterRelay.Answer a = relay.get(path.substring(8), x.getRequestURI().getRawQuery());
                send(x, a.status(), "application/json", a.body());
            } else {
                StaticFiles.File f = files.get(path);
                if (f == null) {
                    send(x, 404, "text/plain; charset=utf-8", ("not found: " + path + "\n").getBytes(StandardCharsets.UTF_8));
                } else {
                    send(x, 200, f.contentType(), f.bytes());
                }
            }
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("api", options.api().toString());
        c.put("grafana", options.grafana() == null ? null : options.grafana().toString().replaceAll("/+$", ""));
        c.put("grafana_workload_uid", GRAFANA_WORKLOAD_UID);
        c.put("refresh_seconds", Math.max(1, options.refresh().toSeconds()));
        c.put("window", options.window());
        return c;
    }

    private void tap(HttpExchange x) throws IOException {
        ExporterRelay.Answer a;
        try {
            a = relay.tap(x.getRequestURI().getRawQuery(), () -> {
                secure(x.getResponseHeaders(), "application/x-ndjson");
                x.sendResponseHeaders(200, 0);
                return x.getResponseBody();
            });
        } catch (IOException browserGone) {
            return; // the tab closed or the filters changed: the upstream tap is closed with the stream
        }
        if (a != null) {
            send(x, a.status(), "application/json", a.body());
        }
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        secure(x.getResponseHeaders(), type);
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            OutputStream out = x.getResponseBody();
            out.write(body);
        }
    }

    /** Same-origin only, nothing cached, nothing framed; no CORS header is ever set. */
    private static void secure(Headers h, String type) {
        h.set("Content-Type", type);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                + "form-action 'none'; base-uri 'none'");
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
