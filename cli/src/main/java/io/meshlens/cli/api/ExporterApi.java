package io.meshlens.cli.api;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The exporter's {@code /api/v1} (docs/api.md), over the JDK HTTP client. */
public final class ExporterApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final Consumer<String> warnings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public ExporterApi(URI base) {
        this(base, w -> {});
    }

    /** @param warnings receives one line per node an answer lacks (docs/api.md, "Scope") */
    public ExporterApi(URI base, Consumer<String> warnings) {
        this.base = base;
        this.warnings = warnings;
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
        if (rsp.statusCode() == 404 && body.has("error")) {
            // A resource or namespace that does not exist: the exporter's message says which.
            throw new ApiException(body.get("error").asText());
        }
        if (rsp.statusCode() != 200) {
            throw new ApiException("the exporter answered HTTP " + rsp.statusCode() + ": "
                    + (body.has("error") ? body.get("error").asText() : rsp.body().strip()));
        }
        for (JsonNode m : body.path("missing")) {
            String exporter = m.path("exporter").asText();
            warnings.accept("Warning: partial answer: nothing from node " + m.path("node").asText()
                    + (exporter.isEmpty() ? "" : " (exporter " + exporter + ")") + ": " + m.path("error").asText());
        }
        return body;
    }

    /**
     * Streams {@code /api/v1/tap}: calls {@code onEvent} for each event (on the HTTP client's
     * thread, one at a time) until it returns false, the stream ends, or {@code limit} passes
     * (null: no limit). Asynchronous underneath, so that a deadline never waits on a blocked read.
     */
    public void tap(Map<String, String> params, Predicate<JsonNode> onEvent, Duration limit) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        EventLines lines = new EventLines(onEvent, done);
        HttpRequest req = HttpRequest.newBuilder(uri("tap", params)).GET().build();
        CompletableFuture<HttpResponse<Void>> rsp = http.sendAsync(req, info -> info.statusCode() == 200
                ? HttpResponse.BodySubscribers.fromLineSubscriber(lines, s -> (Void) null, StandardCharsets.UTF_8, "\n")
                : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), body -> {
                    JsonNode err = parseOrNull(body);
                    done.completeExceptionally(new ApiException(info.statusCode() == 404 && err != null && err.has("error")
                            ? err.get("error").asText()
                            : "the exporter answered HTTP " + info.statusCode() + ": "
                            + (err != null && err.has("error") ? err.get("error").asText() : body.strip())));
                    return null;
                }));
        rsp.whenComplete((r, err) -> {
            if (err != null) {
                Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
                done.completeExceptionally(c instanceof IOException ? unreachable((IOException) c) : c);
            } else {
                done.complete(null);
            }
        });
        try {
            if (limit == null) {
                done.get();
            } else {
                done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            // the requested duration is over
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new ApiException("the tap stream from " + base + " broke (" + NetworkErrors.cause(base, e.getCause()) + ")\n"
                    + "hint: the exporter or a proxy restarted; run the command again", e.getCause());
        } finally {
            lines.cancel();
            rsp.cancel(true);
        }
    }

    /** Parses each line of the tap stream into an event, asking for the next only when the last is handled. */
    private static final class EventLines implements Flow.Subscriber<String> {
        private final Predicate<JsonNode> onEvent;
        private final CompletableFuture<Void> done;
        private volatile Flow.Subscription subscription;

        EventLines(Predicate<JsonNode> onEvent, CompletableFuture<Void> done) {
            this.onEvent = onEvent;
            this.done = done;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(String line) {
            if (done.isDone()) {
                return;
            }
            JsonNode ev = line.isBlank() ? null : parseOrNull(line);
            if (ev != null && !onEvent.test(ev)) {
                done.complete(null);
                subscription.cancel();
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
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
        return NetworkErrors.unreachable("the meshlens exporter", base, e,
                "start the local demo (bash scripts/demo.sh), pass --api URL, or port-forward the exporter:\n"
                + "      kubectl -n meshlens port-forward svc/meshlens-exporter 9995");
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
