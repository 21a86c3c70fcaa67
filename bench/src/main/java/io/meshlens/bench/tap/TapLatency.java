package io.meshlens.bench.tap;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import com.sun.net.httpserver.HttpServer;

import io.meshlens.proxy.PortMapping;
import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.ProxyServer;
import io.meshlens.proxy.RunningProxy;

/**
 * Does a tap subscriber that never reads change the data path's latency? Sends the same
 * sequential HTTP/1.1 load through one proxy in three interleaved phases (no tap, a stalled tap
 * with a one-event queue, no tap again), several rounds, and prints p50/p99 per phase and the
 * ratio stalled/none. A ratio near 1.0 (within the spread of the two "none" phases) is "noise".
 * Not a test: issue 7's claim is measured here, as the standards ask for speed claims.
 *
 * <p>{@code TapLatency [requestsPerPhase] [rounds]}; loopback 127.0.5.20.
 */
public final class TapLatency {
    private TapLatency() {}

    public static void main(String[] args) throws Exception {
        int perPhase = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // The JDK server writes headers and body separately; without TCP_NODELAY every small
        // response waits out the client's delayed ACK (~40 ms), direct or proxied alike.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        String ip = "127.0.5.20";
        HttpServer app = HttpServer.create(new InetSocketAddress(ip, 0), 128);
        byte[] body = "ok\n".getBytes();
        app.createContext("/", x -> {
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        app.setExecutor(Executors.newFixedThreadPool(2));
        app.start();
        RunningProxy proxy = ProxyServer.start(ProxyConfig.builder()
                .inbound(new PortMapping(new InetSocketAddress(ip, 0), app.getAddress()))
                .outbound(new InetSocketAddress(ip, 0)).admin(new InetSocketAddress(ip, 0))
                .tapQueueSize(1).ioThreads(1).build());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI target = URI.create("http://" + ip + ":" + proxy.inboundPorts().get(0) + "/bench");
        URI tapUri = URI.create("http://" + ip + ":" + proxy.adminPort() + "/tap");
        URI metricsUri = URI.create("http://" + ip + ":" + proxy.adminPort() + "/metrics");
        try {
            run(client, target, perPhase * 2); // warm-up
            Histogram none = new Histogram(3);
            Histogram stalled = new Histogram(3);
            Histogram noneAfter = new Histogram(3);
            for (int r = 0; r < rounds; r++) {
                none.add(run(client, target, perPhase));
                // Subscribed, never read. The proxy answers the tap with its first event, so the
                // response is only complete once traffic flows: do not wait for it here.
                CompletableFuture<HttpResponse<InputStream>> tap = client.sendAsync(HttpRequest.newBuilder(tapUri).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                stalled.add(run(client, target, perPhase));
                HttpResponse<InputStream> rsp = tap.get(10, TimeUnit.SECONDS);
                if (rsp.statusCode() != 200) {
                    throw new IllegalStateException("tap: HTTP " + rsp.statusCode());
                }
                rsp.body().close();
                noneAfter.add(run(client, target, perPhase));
            }
            System.out.printf("%-22s %10s %10s %10s%n", "phase", "p50_us", "p99_us", "p99.9_us");
            print("no tap", none);
            print("stalled tap subscriber", stalled);
            print("no tap (after)", noneAfter);
            System.out.println("tap events dropped by the stalled subscriber's queue: " + dropped(client, metricsUri));
            System.out.printf(Locale.ROOT, "ratio stalled/none: p50 %.2f, p99 %.2f (none-after/none: p50 %.2f, p99 %.2f)%n",
                    ratio(stalled, none, 50), ratio(stalled, none, 99), ratio(noneAfter, none, 50), ratio(noneAfter, none, 99));
        } finally {
            proxy.close();
            app.stop(0);
        }
    }

    private static Histogram run(HttpClient client, URI target, int n) throws IOException, InterruptedException {
        Histogram h = new Histogram(3);
        HttpRequest req = HttpRequest.newBuilder(target).build();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            HttpResponse<Void> rsp = client.send(req, HttpResponse.BodyHandlers.discarding());
            h.recordValue((System.nanoTime() - t0) / 1000);
            if (rsp.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + rsp.statusCode());
            }
        }
        return h;
    }

    /** {@code meshlens_tap_events_dropped_total} from the proxy's own text page. */
    private static String dropped(HttpClient client, URI metrics) throws IOException, InterruptedException {
        String page = client.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        return page.lines().filter(l -> l.startsWith("meshlens_tap_events_dropped_total")).findFirst().orElse("(not found)");
    }

    private static void print(String phase, Histogram h) {
        System.out.printf(Locale.ROOT, "%-22s %10d %10d %10d%n", phase, h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9));
    }

    private static double ratio(Histogram a, Histogram b, double p) {
        return a.getValueAtPercentile(p) / (double) Math.max(1, b.getValueAtPercentile(p));
    }
}
