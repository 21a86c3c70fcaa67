package io.meshlens.bench.load;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

import io.grpc.Server;

/**
 * How closely the open-loop generator keeps its rate on this machine: HTTP/1.1 against an
 * in-process server and gRPC against the echo server, each at a fixed rate, reporting the
 * achieved rate, successes and errors. A measurement (run by {@code bench/generator-accuracy}),
 * never a test assertion: on a loaded machine the numbers drop, and that is what it shows.
 */
public final class GeneratorAccuracy {
    private GeneratorAccuracy() {}

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        String seconds = args.length > 1 ? args[1] : "5";
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.5.30", 0), 100);
        http.createContext("/", ex -> {
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        Server grpc = GrpcEchoServer.start(new InetSocketAddress("127.0.5.31", 0));
        try {
            report("http1", rate, LoadMain.run(LoadOptions.parse("--url", "http://127.0.5.30:" + http.getAddress().getPort() + "/",
                    "--rate", String.valueOf(rate), "--duration", seconds + "s", "--warmup", "1s", "--connections", "4")));
            report("grpc", rate, LoadMain.run(LoadOptions.parse("--url", "http://127.0.5.31:" + grpc.getPort() + "/",
                    "--protocol", "grpc", "--rate", String.valueOf(rate), "--duration", seconds + "s", "--warmup", "1s")));
        } finally {
            http.stop(0);
            grpc.shutdownNow();
        }
    }

    private static void report(String protocol, int rate, Results.Summary s) {
        System.out.printf(java.util.Locale.ROOT, "%-6s asked %d/s  achieved %.1f/s (%.1f%%)  ok %d  errors %d  p99 %s ms%n",
                protocol, rate, s.achievedRate(), 100 * s.achievedRate() / rate, s.ok(), s.errors(), Results.Summary.ms(s.p99()));
    }
}
