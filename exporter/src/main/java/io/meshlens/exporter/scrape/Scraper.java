package io.meshlens.exporter.scrape;

import static java.util.Objects.requireNonNull;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches one proxy's {@code /metrics} in the protobuf format, asynchronously, with a deadline
 * over the whole exchange (headers and body) and a size limit enforced while the body streams
 * in, so a proxy that hangs, lies or floods costs at most the limit and the timeout.
 */
public final class Scraper {
    private final HttpClient client;
    private final Duration timeout;
    private final long maxBytes;
    private final int maxSeries;

    public Scraper(Executor executor, Duration timeout, long maxBytes, int maxSeries) {
        this.timeout = requireNonNull(timeout, "timeout");
        this.maxBytes = maxBytes;
        this.maxSeries = maxSeries;
        this.client = HttpClient.newBuilder().executor(requireNonNull(executor, "executor"))
                .connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Scrapes {@code http://host:port/metrics}; completes with the page or a {@link ScrapeException}. */
    public CompletableFuture<ScrapedPage> scrape(String host, int port) {
        String target = Hosts.hostPort(host, port);
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + target + "/metrics"))
                .header("Accept", ProtobufPage.ACCEPT).timeout(timeout).GET().build();
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(req, info -> limitedBody(info.headers(), target));
        return exchange.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((rsp, err) -> {
                    if (err != null) {
                        exchange.cancel(true); // aborts a body that is still trickling in
                        throw new CompletionException(classify(err, target));
                    }
                    if (rsp.statusCode() != 200) {
                        throw new CompletionException(new ScrapeException(ScrapeError.HTTP_STATUS,
                                target + ": HTTP " + rsp.statusCode() + " (expected: 200)"));
                    }
                    String type = rsp.headers().firstValue("content-type").orElse("");
                    if (!type.startsWith("application/vnd.google.protobuf")) {
                        throw new CompletionException(new ScrapeException(ScrapeError.PARSE,
                                target + ": content-type '" + type + "' (expected: the protobuf exposition)"));
                    }
                    try {
                        return ProtobufPage.check(rsp.body(), maxSeries, target);
                    } catch (ScrapeException e) {
                        throw new CompletionException(e);
                    }
                });
    }

    private HttpResponse.BodySubscriber<byte[]> limitedBody(HttpHeaders headers, String target) {
        long declared = headers.firstValueAsLong("content-length").orElse(-1);
        if (declared > maxBytes) {
            return new Limited(target, 0, true);
        }
        return new Limited(target, declared > 0 ? (int) declared : 16 * 1024, false);
    }

    private ScrapeException classify(Throwable err, String target) {
        Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (e instanceof ScrapeException) {
            return (ScrapeException) e;
        }
        if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException) {
            return new ScrapeException(ScrapeError.CONNECT, target + ": cannot connect (" + e + ")");
        }
        if (e instanceof TimeoutException || e instanceof HttpTimeoutException) {
            return new ScrapeException(ScrapeError.TIMEOUT, target + ": no complete page within " + timeout.toMillis() + " ms");
        }
        return new ScrapeException(ScrapeError.CONNECT, target + ": " + e);
    }

    /**
     * Collects the body, cancelling the exchange as soon as it grows past the limit. With a
     * declared length (what the proxies send) the bytes go straight into one array of that size:
     * a page is copied once, not once per chunk, buffer and final array.
     */
    private final class Limited implements HttpResponse.BodySubscriber<byte[]> {
        private final String target;
        private final boolean rejectNow;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private byte[] buf;
        private int size;
        private Flow.Subscription subscription;

        Limited(String target, int initial, boolean rejectNow) {
            this.target = target;
            this.buf = new byte[Math.max(1, Math.min(initial, (int) Math.min(maxBytes, 4 << 20)))];
            this.rejectNow = rejectNow;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (rejectNow) {
                tooLarge();
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if (size + (long) n > maxBytes) {
                    tooLarge();
                    return;
                }
                if (size + n > buf.length) {
                    buf = Arrays.copyOf(buf, (int) Math.min(maxBytes, Math.max((long) buf.length * 2, size + n)));
                }
                b.get(buf, size, n);
                size += n;
            }
        }

        private void tooLarge() {
            subscription.cancel();
            result.completeExceptionally(new ScrapeException(ScrapeError.TOO_LARGE,
                    target + ": page larger than " + maxBytes + " bytes (the size limit)"));
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(size == buf.length ? buf : Arrays.copyOf(buf, size));
        }
    }
}
