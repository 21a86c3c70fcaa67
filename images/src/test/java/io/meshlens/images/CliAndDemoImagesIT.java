package io.meshlens.images;

import static io.meshlens.images.ProxyAndExporterImagesIT.awaitLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.sun.net.httpserver.HttpServer;

/**
 * The cli image answers {@code meshlens version}; the demo image starts each of its four roles
 * with the demo overlay's settings (uid 10001, read-only root, no capabilities, 256Mi).
 */
@ExtendWith(PodmanImages.class)
class CliAndDemoImagesIT {
    private static final String HOST = "127.0.213.2";
    private static final Pattern LISTENING = Pattern.compile("listening on \\S*:(\\d+)");

    /** No manifest runs the cli (users `kubectl run` it): it runs as the image's non-root user. */
    @Test
    void cliPrintsItsVersion(Podman podman) {
        Podman.Result r = podman.run(List.of("--network", "none", "--read-only", "--read-only-tmpfs=false",
                "--tmpfs", "/tmp:rw,mode=1777", "--cap-drop", "all", "--security-opt", "no-new-privileges",
                "--memory", "256m"), PodmanImages.image("cli"), List.of("version"));

        assertThat(r.exit()).as("exit code; output:%n%s", r.output()).isZero();
        assertThat(r.output()).contains(PodmanImages.version());
    }

    @Test
    void demoStartsEachRole(Podman podman) throws Exception {
        Manifests demo = Manifests.render("kustomize/overlays/demo");
        AtomicInteger votes = new AtomicInteger();
        HttpServer fakeWeb = HttpServer.create(new InetSocketAddress(HOST, 0), 16);
        fakeWeb.createContext("/", ex -> {
            votes.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        fakeWeb.start();
        try {
            int emoji = port(start(podman, demo, "emoji", Map.of("LISTEN", HOST + ":0")));
            int voting = port(start(podman, demo, "voting", Map.of("LISTEN", HOST + ":0")));
            int web = port(start(podman, demo, "web", Map.of("LISTEN", HOST + ":0",
                    "EMOJI_ADDR", HOST + ":" + emoji, "VOTING_ADDR", HOST + ":" + voting)));
            start(podman, demo, "vote-bot", Map.of("WEB_ADDR", HOST + ":" + fakeWeb.getAddress().getPort(), "RATE", "5"));

            HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + HOST + ":" + web + "/api/list")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).as("web -> emoji: %s", list.body()).isEqualTo(200);
            try (Socket s = new Socket(HOST, voting)) {
                assertThat(s.isConnected()).isTrue();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> votes.get() > 0);
        } finally {
            fakeWeb.stop(0);
        }
    }

    private static Podman.Container start(Podman podman, Manifests demo, String role, Map<String, String> addresses) {
        ContainerSettings settings = demo.podTemplate("Deployment/" + role).container(role);
        assertThat(settings.image()).isEqualTo(PodmanImages.image("demo"));
        assertThat(settings.args()).containsExactly(role);
        Map<String, String> env = settings.env();
        env.putAll(addresses);
        List<String> options = new ArrayList<>(List.of("--network", "host"));
        options.addAll(settings.podmanOptions(env));
        Podman.Container c = podman.runDetached(options, settings.image(), settings.args());
        awaitLog(c, Pattern.compile("meshlens-demo " + Pattern.quote(role) + " "));
        ProxyAndExporterImagesIT.assertRunsAs(c, settings, 10001);
        return c;
    }

    private static int port(Podman.Container c) {
        return Integer.parseInt(awaitLog(c, LISTENING).group(1));
    }
}
