package io.meshlens.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.meshlens.cli.demo.LocalDemo;

/**
 * The dashboard in a real browser (Debian's headless Chromium) against the local demo with its
 * real apps, proxies and exporter on 127.0.219.0/24: every page shows the numbers of the traffic
 * the demo sends, the tap shows a request sent during the test, and no request of the page fails.
 * It takes a screenshot of each page (the README shows them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
    /** Where the screenshots go; the README's are refreshed with -Dmeshlens.screenshots=../docs/images (docs/dashboard.md). */
    private static final Path IMAGES = Path.of(System.getProperty("meshlens.screenshots", "target/dashboard-screenshots"));
    private static final String GRAFANA = "http://grafana.example:3000";
    /** Short, so that the numbers soon show the demo's steady traffic rather than its start. */
    private static final String WINDOW = "10s";
    /** The demo's slow vote (VotingServiceImpl.SLOW_MILLIS) answers after this long. */
    private static final double SLOW_SECONDS = 0.150;

    private LocalDemo demo;
    private HttpServer outside;
    private DashboardServer dashboard;
    private Browser browser;
    private HttpClient viaBot;

    @BeforeAll
    void start() throws IOException {
        demo = LocalDemo.start(new LocalDemo.Options("127.0.219.", false, 10, false, Path.of("..")));
        // A server no inventory knows: vote-bot's calls to it make an unknown peer in the graph.
        outside = HttpServer.create(new InetSocketAddress("127.0.219.200", 0), 16);
        outside.createContext("/", x -> {
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        outside.start();
        dashboard = DashboardServer.start(new DashboardServer.Options(new InetSocketAddress("127.0.0.1", 0),
                demo.exporterUrl(), URI.create(GRAFANA), "", Duration.ofSeconds(1), WINDOW));
        viaBot = HttpClient.newBuilder().proxy(ProxySelector.of(demo.botOutbound())).build();
        browser = new Browser();
        browser.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        // Chromium's own start-up navigation (a Document that fails to resolve) is not the page's: the record starts here.
        browser.failures();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {browser, dashboard, () -> outside.stop(0), demo}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
    }

    @AfterEach
    void noRequestOfThePageFailed() {
        assertThat(browser.failures()).as("requests of the page that failed").isEmpty();
    }

    private void open(String hash) {
        browser.driver.get(dashboard.url() + hash);
    }

    private JsonNode read(String css) {
        return browser.read(css);
    }

    /** The one element matching css; fails (and is retried by the await around it) until there is one. */
    private JsonNode one(String css) {
        JsonNode all = read(css);
        assertThat(all).as(css).hasSize(1);
        return all.get(0);
    }

    private static List<String> attr(JsonNode elements, String name) {
        List<String> out = new ArrayList<>();
        elements.forEach(e -> out.add(e.path("attrs").path(name).asText()));
        return out;
    }

    private static JsonNode cell(JsonNode row, int i) {
        return row.path("cells").get(i);
    }

    private static String text(JsonNode row, int i) {
        return cell(row, i).path("text").asText();
    }

    /** A number the page put in an attribute; no number yet (no traffic in the window) fails, so that an await retries. */
    private static double number(JsonNode element, String attribute) {
        String v = element.path("attrs").path(attribute).asText();
        assertThat(v).as(attribute + " of " + element).isNotEmpty();
        return Double.parseDouble(v);
    }

    private static String href(JsonNode row, String linkClass) {
        for (JsonNode l : row.path("links")) {
            if (l.path("class").asText().equals(linkClass)) {
                return l.path("href").asText();
            }
        }
        throw new AssertionError("no link of class " + linkClass + " in " + row);
    }

    private void click(String css) {
        browser.driver.findElement(By.cssSelector(css)).click();
    }

    /** A screenshot of the whole page, however long. */
    private void screenshot(String name) {
        browser.driver.executeScript("window.scrollTo(0, 0)");
        long height = (Long) browser.driver.executeScript("return document.documentElement.scrollHeight");
        browser.driver.manage().window().setSize(new Dimension(1400, (int) Math.min(Math.max(height, 700), 1500)));
        browser.screenshot(IMAGES.resolve("dashboard-" + name + ".png"));
        browser.driver.manage().window().setSize(new Dimension(1400, 1000));
    }

    /** What the exporter says about each proxy: the first thing to read when a page lacks a workload's numbers. */
    private String proxies() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(demo.exporterUrl().resolve("/api/v1/proxies")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return String.valueOf(e);
        }
    }

    private void send(String path) throws Exception {
        viaBot.send(HttpRequest.newBuilder(URI.create("http://web-svc.emojivoto:8080" + path)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    @Test
    @Order(1)
    void namespacesPageShowsTheDemoNamespace() {
        open("#/");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode row = one("#namespaces tr[data-name='emojivoto']");
            assertThat(text(row, 1)).isEqualTo("4/4");
            // One vote in ten fails at voting, so the namespace's inbound success rate is below 100 %.
            assertThat(number(cell(row, 2), "data-sr")).isBetween(0.01, 0.999);
            assertThat(text(row, 2)).endsWith("%");
            assertThat(number(cell(row, 3), "data-value")).isGreaterThan(10);
            assertThat(text(row, 3)).endsWith("rps");
        });
        screenshot("namespaces");
    }

    @Test
    @Order(2)
    void namespacePageShowsEachDeploymentWithItsLinks() {
        open("#/namespaces/emojivoto");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(attr(read("#deployments tbody tr"), "data-name")).containsExactly("emoji", "vote-bot", "voting", "web");
            JsonNode voting = one("#deployments tr[data-name='voting']");
            assertThat(number(cell(voting, 2), "data-sr")).isBetween(0.70, 0.98);
            assertThat(cell(voting, 2).path("attrs").path("class").asText()).contains("sr-bad");
            assertThat(number(cell(voting, 6), "data-value")).as("p99").isGreaterThan(SLOW_SECONDS);
            JsonNode emoji = one("#deployments tr[data-name='emoji']");
            assertThat(text(emoji, 2)).as(this::proxies).isEqualTo("100.00%");
            assertThat(cell(emoji, 2).path("attrs").path("class").asText()).contains("sr-good");
            assertThat(href(voting, "workload")).endsWith("#/namespaces/emojivoto/deployment/voting");
            assertThat(href(voting, "grafana")).isEqualTo(GRAFANA + "/d/meshlens-workload?var-namespace=emojivoto&var-workload=voting");
        });
        screenshot("namespace");
    }

    @Test
    @Order(3)
    void graphHasTheWorkloadsAndTheirCallsWithTheFailingOneMarked() throws Exception {
        open("#/namespaces/emojivoto/graph");
        String ns = "emojivoto/deployment/";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            viaBot.send(HttpRequest.newBuilder(URI.create("http://127.0.219.200:" + outside.getAddress().getPort() + "/ping")).build(),
                    HttpResponse.BodyHandlers.discarding());
            JsonNode nodes = read("#graph g.node");
            JsonNode edges = read("#graph g.edge");
            assertThat(attr(nodes, "data-node")).as(this::proxies).contains(ns + "vote-bot", ns + "web", ns + "emoji", ns + "voting");
            assertThat(attr(edges, "data-edge")).contains(ns + "vote-bot->" + ns + "web", ns + "web->" + ns + "emoji",
                    ns + "web->" + ns + "voting");
            JsonNode failing = one("#graph g.edge[data-edge='" + ns + "web->" + ns + "voting']");
            assertThat(failing.path("attrs").path("class").asText()).contains("failing");
            assertThat(number(failing, "data-sr")).isBetween(0.70, 0.98);
            assertThat(failing.path("text").asText()).contains("rps").contains("%");
            assertThat(one("#graph g.edge[data-edge='" + ns + "web->" + ns + "emoji']").path("attrs").path("class").asText())
                    .doesNotContain("failing");
            JsonNode peers = read("#graph g.node.peer");
            assertThat(peers).isNotEmpty();
            String peer = peers.get(0).path("attrs").path("data-node").asText();
            assertThat(peer).matches("(unknown|external)/.*127\\.0\\.219\\.200.*");
            assertThat(peers.get(0).path("text").asText()).contains("peer");
            assertThat(attr(edges, "data-edge")).contains(ns + "vote-bot->" + peer);
        });
        screenshot("graph");
    }

    @Test
    @Order(4)
    void workloadPageShowsCallersRoutesAndTop() {
        open("#/namespaces/emojivoto/deployment/voting");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(attr(read("#inbound tbody tr"), "data-name")).containsExactly("emojivoto/deployment/web");
            JsonNode doughnut = one("#routes tr[data-route='VoteDoughnut'][data-direction='inbound']");
            assertThat(text(doughnut, 3)).isEqualTo("0.00%");
            assertThat(cell(doughnut, 3).path("attrs").path("class").asText()).contains("sr-bad");
            JsonNode turtle = one("#routes tr[data-route='VoteTurtle'][data-direction='inbound']");
            assertThat(text(turtle, 3)).isEqualTo("100.00%");
            assertThat(number(cell(turtle, 7), "data-value")).as("VoteTurtle p99").isGreaterThan(SLOW_SECONDS);
            JsonNode top = one("#top tr[data-path='/meshlens.demo.voting.VotingService/VoteDoughnut']");
            assertThat(text(top, 0)).isEqualTo("deployment/web");
            assertThat(number(cell(top, 4), "data-value")).isPositive();
            assertThat(text(top, 8)).isEqualTo("0.00%");
            JsonNode slowTop = one("#top tr[data-path='/meshlens.demo.voting.VotingService/VoteTurtle']");
            assertThat(number(cell(slowTop, 6), "data-value")).as("VoteTurtle worst").isGreaterThan(SLOW_SECONDS);
            assertThat(read("#tap-rows tbody tr")).isNotEmpty();
        });
        screenshot("workload");
    }

    @Test
    @Order(5)
    void tapShowsARequestSentNowWithItsFiltersAndPauses() throws Exception {
        open("#/namespaces/emojivoto/deployment/web");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(one("#tap-state").path("text").asText()).contains("live"));
        browser.driver.findElement(By.id("tap-path")).sendKeys("/dashboard-probe");
        browser.driver.executeScript("document.getElementById('tap-status').value = '2xx';"
                + "document.getElementById('tap-direction').value = 'inbound';"
                + "document.getElementById('tap-method').value = 'GET';");
        click("#tap-apply");

        String first = "/dashboard-probe/" + UUID.randomUUID();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            send(first);
            assertThat(attr(read("#tap-rows tbody tr"), "data-path")).contains(first);
        });
        assertThat(read("#tap-rows tbody tr")).allSatisfy(r -> {
            assertThat(r.path("attrs").path("data-path").asText()).startsWith("/dashboard-probe/");
            assertThat(r.path("attrs").path("data-status").asText()).startsWith("2");
            assertThat(text(r, 1)).isEqualTo("in");
            assertThat(text(r, 4)).isEqualTo("GET");
        });
        browser.screenshot(browser.driver.findElement(By.id("tap")), IMAGES.resolve("dashboard-tap.png"));

        click("#tap-pause");
        assertThat(one("#tap-state").path("text").asText()).contains("paused");
        String paused = "/dashboard-probe/" + UUID.randomUUID();
        // Top keeps reading the tap while the tap panel is paused: once top shows the request, the panel had its chance.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            send(paused);
            assertThat(read("#top tr[data-path='" + paused + "']")).isNotEmpty();
        });
        assertThat(attr(read("#tap-rows tbody tr"), "data-path")).doesNotContain(paused);

        click("#tap-pause");
        String resumed = "/dashboard-probe/" + UUID.randomUUID();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            send(resumed);
            assertThat(attr(read("#tap-rows tbody tr"), "data-path")).contains(resumed);
        });
        assertThat(one("#tap").path("text").asText()).doesNotContainIgnoringCase("user-agent").doesNotContainIgnoringCase("authorization");
    }

    @Test
    @Order(6)
    void unknownNamespaceAndWorkloadSayNotFound() {
        open("#/namespaces/no-such-namespace");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(one("#not-found").path("text").asText()).contains("no-such-namespace does not exist"));
        assertThat(read("table")).isEmpty();
        screenshot("not-found");

        open("#/namespaces/emojivoto/deployment/no-such-workload");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(one("#not-found").path("text").asText()).contains("deployment/no-such-workload does not exist in namespace emojivoto"));
        assertThat(read("#tap-rows")).isEmpty();

        open("#/namespaces/no-such-namespace/graph");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(one("#not-found").path("text").asText()).contains("no-such-namespace does not exist"));
        // The exporter answered 404 for what does not exist: the only failures these pages may have.
        assertThat(browser.failures()).isNotEmpty().allSatisfy(f -> assertThat(f).contains("404").contains("/api/v1/stat?"));
    }

    @Test
    @Order(7)
    void unreachableExporterShowsABannerAndRetries() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.219.100"))) {
            closed = s.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.219.100:" + closed);
        try (DashboardServer lost = DashboardServer.start(new DashboardServer.Options(new InetSocketAddress("127.0.0.1", 0),
                nowhere, null, "", Duration.ofSeconds(1), "30s"))) {
            browser.driver.get(lost.url() + "#/namespaces/emojivoto");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode banner = one("#banner:not([hidden])");
                assertThat(banner.path("text").asText()).contains("Cannot reach the meshlens exporter").contains(nowhere.toString())
                        .contains("connection refused").contains("attempt 3");
            });
            screenshot("unreachable");
            // The relay answered 502 on purpose: those are the only failures this page may have.
            assertThat(browser.failures()).isNotEmpty().allSatisfy(f -> assertThat(f).contains("502").contains("/api/v1/stat"));
        }
    }
}
