package io.meshlens.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.grpc.Server;

/** The generator against real servers on the bench loopback range (127.0.5.0/24). */
class LoadMainTest {
    private HttpServer http;
    private Server grpc;

    @AfterEach
    void stop() {
        if (http != null) {
            http.stop(0);
        }
        if (grpc != null) {
            grpc.shutdownNow();
        }
    }

    private String httpServer(int status) throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.5.20", 0), 100);
        http.createContext("/", ex -> {
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        return "http://127.0.5.20:" + http.getAddress().getPort() + "/";
    }

    // What a loaded machine cannot change is asserted here: how many requests the schedule sends
    // and how each answer is counted. Whether they are answered in time, and the achieved rate,
    // depend on the machine: bench/generator-accuracy measures those.

    @Test
    void http1SendsEveryScheduledRequestAndCountsSuccesses() throws Exception {
        String url = httpServer(200);
        Results.Summary s = LoadMain.run(LoadOptions.parse("--url", url, "--rate", "400", "--duration", "1s",
                "--warmup", "250ms", "--connections", "4"));
        assertThat(s.sent()).isEqualTo(500); // 400/s over 1.25 s, warm-up included
        assertThat(LoadMain.lastStatuses()).matches("(200=\\d+ )?none=\\d+"); // every answer the server gave is a success
        assertThat(s.ok()).isPositive().isLessThanOrEqualTo(400); // only the 400 of the window count
        assertThat(s.p50()).isPositive().isLessThan(s.max() + 1);
    }

    @Test
    void aPhasedRunStopsWhenItsControlStreamSaysEnd() throws Exception {
        String url = httpServer(200);
        LoadOptions o = LoadOptions.parse("--url", url, "--rate", "200", "--duration", "60s", "--warmup", "0ms",
                "--connections", "2", "--phases");
        List<Results.PhaseSummary> out = LoadMain.run(o, new BufferedReader(new StringReader("quiet\nabuse\nend\n")));
        assertThat(out).extracting(Results.PhaseSummary::phase).containsExactly("quiet", "abuse");
        assertThat(out.get(1).summary().sent()).isLessThan(200 * 60); // the 60 s plan was cut short
    }

    @Test
    void http1CountsNon2xxAsErrors() throws Exception {
        String url = httpServer(503);
        Results.Summary s = LoadMain.run(LoadOptions.parse("--url", url, "--rate", "200", "--duration", "500ms",
                "--warmup", "0ms", "--connections", "2"));
        assertThat(s.sent()).isEqualTo(100);
        assertThat(s.ok()).isZero();
        assertThat(s.errors()).isEqualTo(100); // each answered 503, failed or left unfinished: an error either way
    }

    @Test
    void grpcUnaryCallsAnEchoServer() throws Exception {
        grpc = GrpcEchoServer.start(new InetSocketAddress("127.0.5.21", 0));
        Results.Summary s = LoadMain.run(LoadOptions.parse("--url", "http://127.0.5.21:" + grpc.getPort() + "/",
                "--protocol", "grpc", "--rate", "300", "--duration", "1s", "--warmup", "200ms"));
        assertThat(s.sent()).isEqualTo(360);
        assertThat(s.ok()).isPositive().isLessThanOrEqualTo(300);
    }
}
