package io.meshlens.bench.load;

import java.net.URI;
import java.time.Duration;

/** Command-line options of {@link LoadMain}. */
record LoadOptions(String protocol, double rate, Duration duration, Duration warmup, int connections, URI url,
                   String authority, boolean tsv) {

    static final String USAGE = """
            usage: LoadMain --url http://host:port/path --rate N [--protocol h1|h2|grpc] [--duration 10s]
                            [--warmup 2s] [--connections 50] [--authority host[:port]] [--tsv]
            Sends at a fixed rate regardless of responses; latency counts from each request's intended
            send time. --tsv prints 'p50 p99 p99.9 max(ms) achieved-rate errors' on one line.""";

    static LoadOptions parse(String... args) {
        String protocol = "h1";
        double rate = 0;
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ofSeconds(2);
        int connections = 50;
        URI url = null;
        String authority = null;
        boolean tsv = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--tsv")) {
                tsv = true;
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
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (url == null || rate <= 0) {
            throw new IllegalArgumentException("--url and --rate are required\n" + USAGE);
        }
        if (!protocol.equals("h1") && !protocol.equals("h2") && !protocol.equals("grpc")) {
            throw new IllegalArgumentException("--protocol must be h1, h2 or grpc: " + protocol);
        }
        return new LoadOptions(protocol, rate, duration, warmup, connections, url, authority, tsv);
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
