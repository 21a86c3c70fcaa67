package io.meshlens.exporter.peers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.exporter.live.LiveWindow.Delta;

/**
 * Asks every peer exporter for its {@link Shard} at once, each under its own deadline, and adds
 * them to this exporter's own: the whole cluster's window, with the peers that did not answer.
 */
public final class ShardGatherer {
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    public ShardGatherer(Duration timeout) {
        this.timeout = requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The merged view; {@code missing} rows have {@code node}, {@code exporter} and {@code error}. */
    public record Gathered(Delta delta, List<Map<String, Object>> proxies, List<Map<String, Object>> missing, int shards) {
        public static Gathered of(Shard local) {
            return new Gathered(local.delta(), local.proxies(), List.of(), 1);
        }

        public boolean partial() {
            return !missing.isEmpty();
        }
    }

    public Gathered gather(Shard local, List<PeerExporter> peers, Duration window) {
        List<CompletableFuture<Shard>> asked = new ArrayList<>();
        for (PeerExporter p : peers) {
            asked.add(p.address().isEmpty() ? CompletableFuture.failedFuture(new IOException(p.unusable())) : ask(p, window));
        }
        Delta delta = local.delta();
        List<Map<String, Object>> proxies = new ArrayList<>(local.proxies());
        List<Map<String, Object>> missing = new ArrayList<>();
        int shards = 1;
        for (int i = 0; i < peers.size(); i++) {
            PeerExporter p = peers.get(i);
            try {
                Shard s = asked.get(i).join();
                delta = delta.plus(s.delta());
                proxies.addAll(s.proxies());
                shards++;
            } catch (CompletionException e) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("node", p.node());
                m.put("exporter", p.pod());
                m.put("error", why(p, e.getCause() == null ? e : e.getCause()));
                missing.add(m);
            }
        }
        return new Gathered(delta, proxies, missing, shards);
    }

    private CompletableFuture<Shard> ask(PeerExporter p, Duration window) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + p.address() + "/api/v1/shard?window=" + window.toMillis() + "ms"))
                .timeout(timeout).GET().build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(rsp -> {
            if (rsp.statusCode() != 200) {
                throw new CompletionException(new IOException("HTTP " + rsp.statusCode() + ": "
                        + rsp.body().substring(0, Math.min(200, rsp.body().length())).strip()));
            }
            try {
                return ShardJson.decode(json.readTree(rsp.body()), json);
            } catch (IOException | IllegalArgumentException e) {
                throw new CompletionException(new IOException("not a shard: " + e.getMessage(), e));
            }
        });
    }

    private String why(PeerExporter p, Throwable t) {
        if (p.address().isEmpty()) {
            return t.getMessage();
        }
        String what = t instanceof HttpTimeoutException ? "no answer within " + timeout.toMillis() + "ms"
                : t instanceof ConnectException ? "connection refused" : String.valueOf(t.getMessage());
        return p.address() + ": " + what;
    }
}
