package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.mixin.testing.Dashboards;
import io.meshlens.mixin.testing.Mesh;
import io.meshlens.mixin.testing.PrometheusProcess;
import io.meshlens.mixin.testing.Repo;

/**
 * The rendered dashboards and recording rules against real Prometheus servers that scrape a real
 * exporter enriching real proxies that carry real traffic: every target of every panel parses
 * and returns data, and the key panels show the right numbers. Two Prometheus servers scrape the
 * same exporter: one with native histograms (which then stores no classic buckets) and one
 * without (classic buckets only), so both halves of every latency query are proven.
 */
class PrometheusDashboardsIT {
    // web receives 10 + 2 (route "broken", always 500) from vote-bot and 4 + 1 from emoji
    private static final double WEB_RPS = 17;
    private static final Path ROOT = Repo.root();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*), *([a-z_]+)\\)");
    /** Panels that need traffic this test does not send, with the reason. */
    private static final Map<String, String> MAY_BE_EMPTY = Map.of(
            "Responses by gRPC status", "the mesh carries HTTP/1.1 only (gRPC is covered by the proxy's tests)");

    @TempDir
    static Path dir;
    static Mesh mesh;
    static PrometheusProcess prometheus;
    static PrometheusProcess classic;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(dir);
        mesh.fromBot(10, () -> "http://web-svc/ok");
        mesh.fromBot(2, () -> "http://web-svc/broken/status/500");
        mesh.fromBot(1, () -> "http://api.example.invalid/");
        mesh.fromEmoji(4, () -> "http://web-svc/ok");
        mesh.fromEmoji(1, () -> "http://web-alt/ok");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                "rule_files:",
                "  - " + ROOT.resolve("alerts/meshlens-rules.yaml"),
                "  - " + ROOT.resolve("alerts/meshlens-alerts.yaml"),
                "scrape_configs:",
                "  - job_name: meshlens-exporter",
                "    honor_labels: true",
                "    static_configs: [{targets: ['" + mesh.exporterTarget() + "']}]",
                ""));
        prometheus = PrometheusProcess.prometheus("127.0.2.100", dir, config);
        Path classicDir = Files.createDirectories(dir.resolve("classic"));
        classic = PrometheusProcess.classic("127.0.2.103", classicDir, config);
        // the recording rules' 1m rate needs a full minute of traffic: wait for it to settle
        for (PrometheusProcess p : servers()) {
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(p.scalar("workload:meshlens_requests:rate1m{workload=\"web\"}")).isCloseTo(WEB_RPS, within(WEB_RPS * 0.1)));
        }
    }

    private static List<PrometheusProcess> servers() {
        return List.of(prometheus, classic);
    }

    private static String name(PrometheusProcess p) {
        return p == prometheus ? "native" : "classic";
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (classic != null) {
            classic.close();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    /** Variable values per dashboard: each target must return data for at least one set. */
    private static List<Map<String, String>> variableSets(String uid) {
        Map<String, String> ns = Map.of("namespace", Mesh.NAMESPACE);
        return switch (uid) {
            case "meshlens-workload", "meshlens-slo" -> List.of(with(ns, "workload", "web"), with(ns, "workload", "vote-bot"),
                    with(ns, "workload", "emoji"));
            case "meshlens-pod" -> List.of(with(with(ns, "workload", "web"), "pod", Mesh.WEB_POD),
                    with(with(ns, "workload", "vote-bot"), "pod", "vote-bot-5d8f-a"));
            case "meshlens-route" -> List.of(with(with(ns, "workload", "web"), "route", "broken"),
                    with(with(ns, "workload", "web"), "route", "ok"));
            case "meshlens-authority" -> List.of(with(ns, "authority", "web-svc:80"), with(ns, "authority", "api.example.invalid:80"));
            default -> List.of(ns);
        };
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new LinkedHashMap<>(m);
        out.put(k, v);
        return out;
    }

    private static String substitute(String expr, Map<String, String> vars) {
        Map<String, String> all = new LinkedHashMap<>(vars);
        all.put("__rate_interval", "30s");
        all.put("__range", "1m");
        all.put("__interval", "5s");
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = all.get(m.group(1));
            assertThat(value).as("a value for $" + m.group(1)).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Test
    void everyTargetOfEveryPanelParsesAndReturnsData() throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (PrometheusProcess prometheus : servers()) {
        for (JsonNode d : Dashboards.load(ROOT)) {
            String uid = d.path("uid").asText();
            for (JsonNode p : Dashboards.panels(d)) {
                for (JsonNode t : p.path("targets")) {
                    String where = name(prometheus) + ": " + uid + " / " + p.path("title").asText() + " / " + t.path("refId").asText();
                    boolean data = false;
                    for (Map<String, String> vars : variableSets(uid)) {
                        JsonNode r = prometheus.query(substitute(t.path("expr").asText(), vars));
                        if (!"success".equals(r.path("status").asText())) {
                            problems.add(where + ": " + r.path("error").asText());
                            break;
                        }
                        data |= r.path("data").path("result").size() > 0;
                    }
                    if (!data && !MAY_BE_EMPTY.containsKey(p.path("title").asText())) {
                        problems.add(where + ": no data for any of " + variableSets(uid));
                    }
                    checked++;
                }
            }
        }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).isGreaterThan(160);
    }

    @Test
    void everyRuleEvaluatesWithoutError() throws Exception {
        List<String> broken = new ArrayList<>();
        int rules = 0;
        for (PrometheusProcess prometheus : servers()) {
        JsonNode groups = JSON.readTree(prometheus.get("/api/v1/rules").body()).path("data").path("groups");
        for (JsonNode g : groups) {
            for (JsonNode r : g.path("rules")) {
                rules++;
                if ("err".equals(r.path("health").asText())) {
                    broken.add(name(prometheus) + ": " + r.path("name").asText() + ": " + r.path("lastError").asText());
                }
            }
        }
        }
        assertThat(broken).isEmpty();
        assertThat(rules).isGreaterThan(140);
    }

    @Test
    void templateVariablesListTheRealValues() throws Exception {
        Map<String, Set<String>> seen = new LinkedHashMap<>();
        for (JsonNode d : Dashboards.load(ROOT)) {
            for (JsonNode v : d.path("templating").path("list")) {
                if (!"query".equals(v.path("type").asText())) {
                    continue;
                }
                Matcher m = LABEL_VALUES.matcher(v.path("query").asText());
                assertThat(m.matches()).as(v.path("query").asText()).isTrue();
                Map<String, String> vars = Map.of("namespace", Mesh.NAMESPACE, "workload", "web");
                String match = substitute(m.group(1), vars);
                JsonNode r = JSON.readTree(prometheus.get("/api/v1/label/" + m.group(2) + "/values?match[]="
                        + URLEncoder.encode(match, StandardCharsets.UTF_8)).body());
                Set<String> values = new HashSet<>();
                r.path("data").forEach(x -> values.add(x.asText()));
                seen.computeIfAbsent(v.path("name").asText(), k -> new HashSet<>()).addAll(values);
            }
        }
        assertThat(seen.get("namespace")).containsExactly(Mesh.NAMESPACE);
        assertThat(seen.get("workload")).containsExactlyInAnyOrder("web", "vote-bot", "emoji", "ghost");
        assertThat(seen.get("pod")).containsExactly(Mesh.WEB_POD);
        assertThat(seen.get("route")).contains("ok", "broken");
        assertThat(seen.get("authority")).contains("web-svc:80", "api.example.invalid:80");
    }

    private static JsonNode target(String uid, String panelTitle, String refId) {
        JsonNode d = Dashboards.load(ROOT).stream().filter(x -> x.path("uid").asText().equals(uid)).findFirst().orElseThrow();
        return Dashboards.panels(d).stream().filter(p -> p.path("title").asText().equals(panelTitle))
                .flatMap(p -> java.util.stream.StreamSupport.stream(p.path("targets").spliterator(), false))
                .filter(t -> t.path("refId").asText().equals(refId)).findFirst()
                .orElseThrow(() -> new AssertionError(uid + " / " + panelTitle + " / " + refId));
    }

    private static JsonNode run(String uid, String panel, String refId, Map<String, String> vars) throws Exception {
        return run(prometheus, uid, panel, refId, vars);
    }

    private static JsonNode run(PrometheusProcess prometheus, String uid, String panel, String refId, Map<String, String> vars)
            throws Exception {
        JsonNode r = prometheus.query(substitute(target(uid, panel, refId).path("expr").asText(), vars));
        assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("success");
        return r.path("data").path("result");
    }

    private static double value(JsonNode series) {
        return Double.parseDouble(series.path("value").get(1).asText());
    }

    @Test
    void theFailingRouteHasZeroSuccessRateAndTheOtherAllSuccess() throws Exception {
        for (PrometheusProcess p : servers()) {
            failingRoute(p);
        }
    }

    private static void failingRoute(PrometheusProcess prometheus) throws Exception {
        Map<String, String> broken = Map.of("namespace", Mesh.NAMESPACE, "workload", "web", "route", "broken");
        JsonNode r = run(prometheus, "meshlens-route", "Success rate", "A", broken);
        assertThat(r).hasSize(1);
        assertThat(value(r.get(0))).isZero();
        JsonNode ok = run(prometheus, "meshlens-route", "Success rate", "A", Map.of("namespace", Mesh.NAMESPACE, "workload", "web", "route", "ok"));
        assertThat(value(ok.get(0))).isEqualTo(1.0);
        // the workload's route table lists both, "broken" at 0%
        JsonNode routes = run(prometheus, "meshlens-workload", "Routes", "A", Map.of("namespace", Mesh.NAMESPACE, "workload", "web"));
        Map<String, Double> byRoute = new LinkedHashMap<>();
        routes.forEach(s -> byRoute.put(s.path("metric").path("route").asText(), value(s)));
        assertThat(byRoute).containsEntry("broken", 0.0).containsEntry("ok", 1.0);
    }

    @Test
    void theCallersOfWebAreVoteBotAndEmoji() throws Exception {
        JsonNode r = run("meshlens-workload", "Callers", "B", Map.of("namespace", Mesh.NAMESPACE, "workload", "web"));
        Map<String, Double> rps = new LinkedHashMap<>();
        r.forEach(s -> rps.put(s.path("metric").path("src_workload").asText(), value(s)));
        assertThat(rps.keySet()).containsExactlyInAnyOrder("vote-bot", "emoji");
        assertThat(rps.get("vote-bot")).isCloseTo(12, within(1.2));
        assertThat(rps.get("emoji")).isCloseTo(5, within(0.5));
        // vote-bot's callees: web, and the authority that never resolves, as an external service
        JsonNode callees = run("meshlens-workload", "Callees", "B", Map.of("namespace", Mesh.NAMESPACE, "workload", "vote-bot"));
        Set<String> names = new HashSet<>();
        callees.forEach(s -> names.add(s.path("metric").path("dst_kind").asText() + "/" + s.path("metric").path("dst_workload").asText()));
        assertThat(names).containsExactlyInAnyOrder("deployment/web", "external/api.example.invalid:80");
    }

    @Test
    void requestRatesAreWithinTenPercentOfWhatWasSent() throws Exception {
        Map<String, String> ns = Map.of("namespace", Mesh.NAMESPACE, "workload", "web");
        for (PrometheusProcess p : servers()) {
            // namespace table (recorded rules) and workload page (raw series)
            JsonNode table = run(p, "meshlens-namespace", "Workloads", "D", ns);
            double recorded = 0;
            for (JsonNode s : table) {
                if (s.path("metric").path("workload").asText().equals("web")) {
                    recorded = value(s);
                }
            }
            assertThat(recorded).as(name(p)).isCloseTo(WEB_RPS, within(WEB_RPS * 0.1));
            assertThat(value(run(p, "meshlens-workload", "Requests", "A", ns).get(0))).as(name(p)).isCloseTo(WEB_RPS, within(WEB_RPS * 0.1));
            // success rate: 2 of the 17 requests per second fail
            assertThat(value(run(p, "meshlens-top-line", "Success rate", "A", Map.of()).get(0))).as(name(p)).isCloseTo(15.0 / 17, within(0.02));
            // latency quantiles from either kind of histogram: the app answers in well under a second
            assertThat(value(run(p, "meshlens-workload", "p99 latency", "A", ns).get(0))).as(name(p)).isPositive().isLessThan(1);
            assertThat(value(run(p, "meshlens-namespace", "Workloads", "G", ns).get(0))).as(name(p)).isPositive().isLessThan(1);
        }
        // each server stores one kind only, so each half of the `or` in every latency query is used
        assertThat(prometheus.query("meshlens_response_latency_seconds_bucket").path("data").path("result")).isEmpty();
        assertThat(prometheus.query("meshlens_response_latency_seconds").path("data").path("result")).isNotEmpty();
        assertThat(classic.query("meshlens_response_latency_seconds").path("data").path("result")).isEmpty();
        assertThat(classic.query("meshlens_response_latency_seconds_bucket").path("data").path("result")).isNotEmpty();
    }

    @Test
    void sloPanelsShowTheZeroConfigObjectivesAndTheBurn() throws Exception {
        for (PrometheusProcess p : servers()) {
            Map<String, String> web = Map.of("namespace", Mesh.NAMESPACE, "workload", "web");
            // web has no annotations: 99.9% over 30d; 2 of 17 requests fail, a burn of (2/17)/0.001
            JsonNode objective = run(p, "meshlens-slo", "Availability objective", "A", web);
            assertThat(value(objective.get(0))).isEqualTo(0.999);
            assertThat(objective.get(0).path("metric").path("period").asText()).isEqualTo("30d");
            JsonNode burn5m = run(p, "meshlens-slo", "availability burn rate", "A", web);
            assertThat(value(burn5m.get(0))).as(name(p)).isCloseTo((2.0 / 17) / 0.001, within((2.0 / 17) / 0.001 * 0.1));
            assertThat(value(run(p, "meshlens-slo", "Availability budget left", "A", web).get(0))).as(name(p)).isNegative();
            // the latency SLO is met (the app answers well within 500ms), so budget is left. Not
            // asserted to be exactly full: a 99% objective over a few hundred requests is spent by
            // a handful of requests stalled by a GC pause or a busy 2-core CI machine.
            assertThat(value(run(p, "meshlens-slo", "Latency budget left", "A", web).get(0))).as(name(p))
                    .isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
            // emoji is annotated: 99.5%, 300ms snapped down to the 0.25 bucket, over 7 days
            JsonNode emoji = run(p, "meshlens-slo", "Latency objective", "A", Map.of("namespace", Mesh.NAMESPACE, "workload", "emoji"));
            assertThat(emoji.get(0).path("metric").path("le").asText()).isEqualTo("0.25");
            assertThat(emoji.get(0).path("metric").path("period").asText()).isEqualTo("7d");
            // the failures come from vote-bot, the only caller of the broken route
            JsonNode callers = run(p, "meshlens-slo", "Worst callers", "B", web);
            assertThat(callers).hasSize(1);
            assertThat(callers.get(0).path("metric").path("src_workload").asText()).isEqualTo("vote-bot");
            assertThat(value(callers.get(0))).isCloseTo(1.0, within(1e-9));
        }
    }

    @Test
    void theDependencyGraphHasTheNamespaceEdges() throws Exception {
        JsonNode edges = run("meshlens-namespace", "Dependencies", "B", Map.of("namespace", Mesh.NAMESPACE));
        Set<String> ids = new HashSet<>();
        edges.forEach(s -> ids.add(s.path("metric").path("id").asText()));
        assertThat(ids).contains("emojivoto/vote-bot->emojivoto/web", "emojivoto/emoji->emojivoto/web");
        JsonNode nodes = run("meshlens-namespace", "Dependencies", "A", Map.of("namespace", Mesh.NAMESPACE));
        Set<String> nodeIds = new HashSet<>();
        nodes.forEach(s -> nodeIds.add(s.path("metric").path("id").asText()));
        for (String edge : ids) {
            for (String end : edge.split("->")) {
                assertThat(nodeIds).as("node for edge " + edge).contains(end);
            }
        }
    }
}
