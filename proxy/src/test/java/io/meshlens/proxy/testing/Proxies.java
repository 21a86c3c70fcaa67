package io.meshlens.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.meshlens.proxy.PortMapping;
import io.meshlens.proxy.ProxyConfig;
import io.meshlens.proxy.RunningProxy;
import io.meshlens.proxy.metrics.ProxyMetrics;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import org.awaitility.Awaitility;

/** Helpers to configure proxies on loopback ephemeral ports and scrape them. */
public final class Proxies {
    private static final HttpClient SCRAPER = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Proxies() {}

    public static InetSocketAddress any() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    /** Inbound to {@code app} and outbound, both on ephemeral loopback ports. */
    public static ProxyConfig.Builder config(InetSocketAddress app) {
        return ProxyConfig.builder()
                .inbound(new PortMapping(any(), app))
                .outbound(any())
                .admin(any())
                .ioThreads(2);
    }

    public static String get(RunningProxy p, String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.adminPort() + path))
                .timeout(Duration.ofSeconds(10));
        if (accept != null) {
            b.header("Accept", accept);
        }
        HttpResponse<String> r = SCRAPER.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    public static PromText scrape(RunningProxy p) throws IOException, InterruptedException {
        return PromText.parse(get(p, "/metrics", null));
    }

    /**
     * A scrape taken once {@code exchanges} exchanges matching {@code labels} are recorded. The proxy
     * records an exchange when its last write to the caller completes, which can be just after the
     * caller has read the last byte; exact counts are compared only after that.
     */
    public static PromText scrapeOnceRecorded(RunningProxy p, Map<String, String> labels, long exchanges) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scrape(p),
                m -> m.sum("meshlens_response_latency_seconds_count", labels) >= exchanges);
    }

    /** The text exposition of {@code metrics}, without a proxy around them (handler tests). */
    public static PromText scrape(ProxyMetrics metrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, metrics.registry().scrape());
        return PromText.parse(out.toString(StandardCharsets.UTF_8));
    }
}
