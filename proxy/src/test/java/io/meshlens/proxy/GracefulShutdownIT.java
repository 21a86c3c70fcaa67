package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.testing.Backend;
import io.meshlens.proxy.testing.Proxies;

/** A real proxy process: SIGTERM drains in-flight requests, refuses new ones, exits 0. */
class GracefulShutdownIT {
    private static List<String> javaCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = Path.of("target", "meshlens-proxy.jar");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m"));
        if (Files.exists(jar)) {
            cmd.addAll(List.of("-jar", jar.toString()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        }
        return cmd;
    }

    @Test
    void sigtermDrainsInFlightRequests() throws Exception {
        try (Backend app = new Backend()) {
            ProcessBuilder pb = new ProcessBuilder(javaCommand()).redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.put("MESHLENS_INBOUND", "127.0.0.1:0=127.0.0.1:" + app.port());
            env.put("MESHLENS_OUTBOUND", "");
            env.put("MESHLENS_ADMIN", "127.0.0.1:0");
            env.put("MESHLENS_DRAIN_TIMEOUT", "30s");
            env.put("MESHLENS_IO_THREADS", "1");
            Process p = pb.start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line;
                Matcher m = null;
                while ((line = out.readLine()) != null) {
                    m = Pattern.compile("inbound=\\[(\\d+)\\] outbound=-1 admin=(\\d+)").matcher(line);
                    if (m.find()) {
                        break;
                    }
                }
                assertThat(m).isNotNull();
                int inbound = Integer.parseInt(m.group(1));
                int admin = Integer.parseInt(m.group(2));
                HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                assertThat(c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                CompletableFuture<HttpResponse<String>> inflight = c.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + inbound + "/hang")).build(), HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(20)).until(() -> app.hanging.get() == 1);

                p.destroy(); // SIGTERM

                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(c.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + admin + "/ready")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).isEqualTo(503));
                HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + inbound + "/x"))
                        .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
                assertThat(p.isAlive()).isTrue(); // still draining

                app.release.countDown();
                HttpResponse<String> r = inflight.get(20, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("ok");
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).isZero();
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void configErrorExitsNonZeroNamingTheKey() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(javaCommand()).redirectErrorStream(true);
        pb.environment().put("MESHLENS_CONNECT_TIMEOUT", "later");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("MESHLENS_CONNECT_TIMEOUT: later");
    }

    @Test
    void shutdownEndpointIsLoopbackPostOnly() throws Exception {
        RunningProxy proxy = ProxyServer.start(Proxies.config(Proxies.any()).build());
        HttpClient c = HttpClient.newHttpClient();
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + "/shutdown"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);
        proxy.terminationFuture().get(30, TimeUnit.SECONDS);
        assertThat(proxy.isReady()).isFalse();
    }
}
