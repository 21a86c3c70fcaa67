package io.meshlens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshlens.exporter.ExporterConfig;
import io.meshlens.exporter.ExporterServer;
import io.meshlens.exporter.RunningExporter;

/**
 * A resource or namespace that does not exist is exit 1 with a message saying so; one that
 * exists but was quiet is exit 0 with "no traffic". Against a real exporter whose static
 * inventory has one pod of {@code deployment/web} (its proxy not running: no traffic).
 */
class ResourceExistenceTest {
    @TempDir
    static Path dir;
    private static RunningExporter exporter;
    private static String api;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, """
                pods:
                  - namespace: emojivoto
                    name: web-7c9d8-abcde
                    ip: 127.0.3.241
                    node: local
                    meshed: true
                    adminPort: 9
                    owners:
                      - {kind: ReplicaSet, name: web-7c9d8}
                      - {kind: Deployment, name: web}
                """);
        exporter = ExporterServer.start(ExporterConfig.builder().listen(new InetSocketAddress("127.0.3.240", 0))
                .inventory(inventory).scrapeInterval(Duration.ofSeconds(1)).scrapeTimeout(Duration.ofMillis(500)).build());
        api = "http://127.0.3.240:" + exporter.port();
    }

    @AfterAll
    static void stop() {
        if (exporter != null) {
            exporter.close();
        }
    }

    private int run(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--api";
        all[args.length + 1] = api;
        return Meshlens.run(new PrintWriter(out), new PrintWriter(err), all);
    }

    @Test
    void unknownDeploymentDoesNotExist() {
        assertThat(run("stat", "deploy/webb", "-n", "emojivoto")).isEqualTo(1);
        assertThat(err.toString()).contains("deployment/webb does not exist in namespace emojivoto")
                .contains("hint: meshlens stat deployment -n emojivoto lists what exists");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unknownNamespaceDoesNotExist() {
        assertThat(run("stat", "deploy", "-n", "emojivoto2")).isEqualTo(1);
        assertThat(err.toString()).contains("namespace emojivoto2 does not exist");
    }

    @Test
    void everyCommandSaysWhatDoesNotExist() {
        assertThat(run("routes", "deploy", "webb", "-n", "emojivoto")).isEqualTo(1);
        assertThat(run("tap", "deploy/webb", "-n", "emojivoto", "--max", "1")).isEqualTo(1);
        assertThat(run("top", "deploy/webb", "-n", "emojivoto", "--duration", "1s")).isEqualTo(1);
        assertThat(run("edges", "-n", "emojivoto2")).isEqualTo(1);
        assertThat(err.toString().lines().filter(l -> l.contains("does not exist"))).hasSize(4);
    }

    @Test
    void existingButQuietResourceIsNoTrafficAndExitZero() {
        assertThat(run("stat", "deploy", "web", "-n", "emojivoto")).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("NAME").contains("web ").contains("1/1");

        StringWriter routes = new StringWriter();
        assertThat(Meshlens.run(new PrintWriter(routes), new PrintWriter(err), "routes", "deploy/web", "-n", "emojivoto", "--api", api))
                .as(err.toString()).isZero();
        assertThat(routes.toString()).startsWith("No traffic in the last 1m.");
    }
}
