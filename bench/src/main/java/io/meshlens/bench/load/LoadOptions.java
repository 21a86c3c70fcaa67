package io.meshlens.bench.load;

import java.net.URI;
import java.time.Duration;

/** Command-line options of {@link LoadMain}. */
record LoadOptions(String protocol, double rate, Duration duration, Duration warmup, int connections, URI url,
                   String authority, boolean tsv, Duration slice, URI prewarmUrl, Duration prewarm, URI startWhen,
                   boolean phases) {

    static final String USAGE = """
            usage: LoadMain --url http://host:port/path --rate N [--protocol h1|h2|grpc] [--duration 10s]
                            [--warmup 2s] [--connections 50] [--authority host[:port]] [--tsv]
                            [--slice 5s] [--prewarm-url URL [--prewarm 15s]] [--start-when URL] [--phases]
            Sends at a fixed rate regardless of responses; latency counts from each request's intended
            send time. --tsv prints 'p50 p99 p99.9 max(ms) achieved-rate errors' on one line.
            --slice also prints 'slice FROM_S TO_S p50 p99 max(ms) count errors' per slice of the
            whole run, warm-up included. --prewarm-url warms the generator itself first (e.g. against
            the backend directly), then prints 'prewarmed' on stderr; --start-when waits until that
            URL answers 2xx (e.g. a proxy's /ready) and starts the run at once. --phases reads phase
            names from stdin, one per line: each starts a recorded phase at once (everything before the
            first is warm-up), 'end' or the end of stdin stops the run (--duration is then a cap);
            prints 'phase NAME: p50 ...' per phase and each slice with the phase it starts in.""";

    static LoadOptions parse(String... args) {
        String protocol = "h1";
        double rate = 0;
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ofSeconds(2);
        int connections = 50;
        URI url = null;
        String authority = null;
        boolean tsv = false;
        Duration slice = null;
        URI prewarmUrl = null;
        Duration prewarm = Duration.ofSeconds(15);
        URI startWhen = null;
        boolean phases = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--tsv")) {
                tsv = true;
                continue;
            }
            if (a.equals("--phases")) {
                phases = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + a + "\n" + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--protocol" -> protocol = v;
                case "--rate" -> rate = Double.parseDouble(v);
                case "--duration" -> duration = duration(v);
                case "--warmup" -> warmup = duration(v);
                case "--connections" -> connections = Integer.parseInt(v);
                case "--url" -> url = URI.create(v);
                case "--authority" -> authority = v;
                case "--slice" -> slice = duration(v);
                case "--prewarm-url" -> prewarmUrl = URI.create(v);
                case "--prewarm" -> prewarm = duration(v);
                case "--start-when" -> startWhen = URI.create(v);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (url == null || rate <= 0) {
            throw new IllegalArgumentException("--url and --rate are required\n" + USAGE);
        }
        if (!protocol.equals("h1") && !protocol.equals("h2") && !protocol.equals("grpc")) {
            throw new IllegalArgumentException("--protocol must be h1, h2 or grpc: " + protocol);
        }
        if (slice != null && slice.isZero()) {
            throw new IllegalArgumentException("--slice: " + slice + " (expected: > 0, e.g. 5s)");
        }
        return new LoadOptions(protocol, rate, duration, warmup, connections, url, authority, tsv, slice, prewarmUrl,
                prewarm, startWhen, phases);
    }

    /** The generator's own warm-up: this load against {@code prewarmUrl} for {@code prewarm}, nothing measured. */
    LoadOptions prewarmRun() {
        return new LoadOptions(protocol, rate, prewarm, Duration.ZERO, connections, prewarmUrl, null, tsv, null, null,
                prewarm, null, false);
    }

    /** {@code 500ms}, {@code 10s}, {@code 1m}. */
    static Duration duration(String v) {
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        }
        if (v.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        return Duration.ofMillis(Long.parseLong(v));
    }
}
