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

import io.meshlens.mixin.testing.Command;
import io.meshlens.mixin.testing.Dashboards;
import io.meshlens.mixin.testing.Mesh;
import io.meshlens.mixin.testing.PrometheusProcess;
import io.meshlens.mixin.testing.Repo;
import io.meshlens.mixin.testing.Tools;

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
    /** Workloads the variables list that are not part of the demo's traffic, with the reason. */
    private static final Map<String, String> NOT_A_DEMO_WORKLOAD = Map.of(
            "ghost", "a meshed pod whose proxy is gone: it has no series at all (MeshlensProxyDown covers it)");
    /**
     * Targets whose true answer is undefined, not zero, for a workload without that traffic: a
     * success rate or latency quantile of no requests (the request-rate target beside each shows
     * 0), and the SLO ratios of a workload nobody calls. Each must still return data for the
     * workloads that have the traffic.
     */
    private static final Set<String> UNDEFINED_WITHOUT_TRAFFIC = undefinedWithoutTraffic();
    /** The datasource's scrape interval (its provisioned timeInterval), the dashboards' range, Grafana's data points. */
    private static final String SCRAPE_INTERVAL = "15s";
    private static final long RANGE_SECONDS = 60;
    private static final long MAX_DATA_POINTS = 1000;

    /**
     * Targets that need more history than the test has: the 1d and 3d burn rates are chained from
     * one 5m recording per 5m-aligned step (a subquery), so they appear at the first aligned step
     * after the 5m recordings start. They must still parse and evaluate.
     */
    private static final Set<String> NEEDS_HISTORY = Set.of("meshlens-slo / availability burn rate / F",
            "meshlens-slo / availability burn rate / G");

    private static Set<String> undefinedWithoutTraffic() {
        Set<String> out = new HashSet<>();
        for (String refIds : List.of("meshlens-workload / Success rate / A", "meshlens-workload / p50 latency / A",
                "meshlens-workload / p99 latency / A", "meshlens-workload / Latency / ABC", "meshlens-workload / Callers / AC",
                "meshlens-workload / Callees / AC", "meshlens-workload / Outbound success rate by callee / A",
                "meshlens-workload / Routes / ACD", "meshlens-workload / p99 latency by route / A", "meshlens-workload / Pods / C",
                "meshlens-pod / Success rate / A", "meshlens-pod / p99 latency / A",
                "meshlens-slo / Availability budget left / A", "meshlens-slo / Latency budget left / A",
                "meshlens-slo / SLI over the period / AB", "meshlens-slo / Error budget left / AB",
                "meshlens-slo / availability burn rate / ABCDEFGHI", "meshlens-slo / latency burn rate / ABCDEFGHI")) {
            int cut = refIds.lastIndexOf(" / ");
            for (char r : refIds.substring(cut + 3).toCharArray()) {
                out.add(refIds.substring(0, cut) + " / " + r);
            }
        }
        return out;
    }

    @TempDir
    static Path dir;
    static Mesh mesh;
    static PrometheusProcess prometheus;
    static PrometheusProcess classic;

    /** The recordings at the end of each chain of rule groups (one series per workload that has an objective and traffic). */
    private static final List<String> SLO_CHAIN_ENDS = List.of(
            "workload_slo:meshlens_availability_error_budget_remaining:ratio",
            "workload_slo:meshlens_latency_error_budget_remaining:ratio",
            "workload_slo:meshlens_latency_burn_rate:ratio3d");

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
            // The SLO groups read the workload group's recordings, and the period and 1d/3d groups
            // read the SLO group's: each link of that chain waits for its group's next 30 s
            // evaluation, so the last recordings exist only a few evaluations later.
            for (String lastOfChain : SLO_CHAIN_ENDS) {
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                        assertThat(p.scalar("count(" + lastOfChain + "{namespace=\"emojivoto\"})")).as(lastOfChain)
                                .isGreaterThanOrEqualTo(1));
            }
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

    /**
     * Every combination of template variable values, resolved the way Grafana resolves them: each
     * query variable, in the dashboard's order, is asked of Prometheus with the variables before
     * it substituted ({@code label_values(SELECTOR, LABEL)} is {@code /api/v1/label/LABEL/values}
     * with {@code match[]}). So the workload dashboards run for every workload of the mesh.
     */
    private static List<Map<String, String>> variableSets(PrometheusProcess prometheus, JsonNode dashboard) throws Exception {
        List<Map<String, String>> sets = List.of(Map.of());
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (!"query".equals(v.path("type").asText())) {
                continue;
            }
            Matcher m = LABEL_VALUES.matcher(v.path("query").asText());
            assertThat(m.matches()).as(v.path("query").asText()).isTrue();
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> set : sets) {
                for (String value : labelValues(prometheus, m.group(2), substitute(m.group(1), set))) {
                    if (!NOT_A_DEMO_WORKLOAD.containsKey(value)) {
                        next.add(with(set, v.path("name").asText(), value));
                    }
                }
            }
            sets = next;
        }
        return sets;
    }

    private static List<String> labelValues(PrometheusProcess prometheus, String label, String match) throws Exception {
        JsonNode r = JSON.readTree(prometheus.get("/api/v1/label/" + label + "/values?match[]="
                + URLEncoder.encode(match, StandardCharsets.UTF_8)).body());
        List<String> values = new ArrayList<>();
        r.path("data").forEach(x -> values.add(x.asText()));
        return values;
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new LinkedHashMap<>(m);
        out.put(k, v);
        return out;
    }

    /**
     * Grafana's built-in variables for a {@link #RANGE_SECONDS} time range: {@code $__interval} is
     * the range over the data points, never below the datasource's {@code timeInterval} (the
     * scrape interval the provisioning declares), and {@code $__rate_interval} is
     * max($__interval + scrape interval, 4 x scrape interval).
     */
    private static Map<String, String> builtIns() {
        long scrape = Long.parseLong(SCRAPE_INTERVAL.replace("s", ""));
        long interval = Math.max(RANGE_SECONDS / MAX_DATA_POINTS, scrape);
        return Map.of("__interval", interval + "s", "__rate_interval", Math.max(interval + scrape, 4 * scrape) + "s",
                "__range", RANGE_SECONDS + "s");
    }

    private static String substitute(String expr, Map<String, String> vars) {
        Map<String, String> all = new LinkedHashMap<>(vars);
        all.putAll(builtIns());
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

    private static String encoded(JsonNode target, Map<String, String> vars) {
        return URLEncoder.encode(substitute(target.path("expr").asText(), vars), StandardCharsets.UTF_8);
    }

    /**
     * A target as Grafana sends it: instant targets (tables, node graph) to /api/v1/query, the
     * others over the dashboard's range to /api/v1/query_range with $__interval as the step.
     */
    private static JsonNode runTarget(PrometheusProcess prometheus, JsonNode target, Map<String, String> vars) throws Exception {
        if (target.path("instant").asBoolean()) {
            return JSON.readTree(prometheus.get("/api/v1/query?query=" + encoded(target, vars)).body());
        }
        long now = System.currentTimeMillis() / 1000;
        return JSON.readTree(prometheus.get("/api/v1/query_range?query=" + encoded(target, vars) + "&start=" + (now - RANGE_SECONDS)
                + "&end=" + now + "&step=" + builtIns().get("__interval")).body());
    }

    @Test
    void everyTargetOfEveryPanelReturnsDataForEveryWorkload() throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        Set<String> workloads = new HashSet<>();
        for (PrometheusProcess prometheus : servers()) {
            for (JsonNode d : Dashboards.load(ROOT)) {
                String uid = d.path("uid").asText();
                List<Map<String, String>> sets = variableSets(prometheus, d);
                assertThat(sets).as(uid).isNotEmpty();
                sets.forEach(v -> workloads.add(v.getOrDefault("workload", "")));
                for (JsonNode p : Dashboards.panels(d)) {
                    for (JsonNode t : p.path("targets")) {
                        String target = uid + " / " + p.path("title").asText() + " / " + t.path("refId").asText();
                        String where = name(prometheus) + ": " + target;
                        boolean mayBeUndefined = UNDEFINED_WITHOUT_TRAFFIC.contains(target);
                        int withData = 0;
                        List<Map<String, String>> empty = new ArrayList<>();
                        for (Map<String, String> vars : sets) {
                            JsonNode r = runTarget(prometheus, t, vars);
                            if (!"success".equals(r.path("status").asText())) {
                                problems.add(where + ": " + r.path("error").asText());
                                break;
                            }
                            if (r.path("data").path("result").size() > 0) {
                                withData++;
                            } else {
                                empty.add(vars);
                            }
                            if (t.path("exemplar").asBoolean()) {
                                long now = System.currentTimeMillis() / 1000;
                                JsonNode ex = JSON.readTree(prometheus.get("/api/v1/query_exemplars?query=" + encoded(t, vars)
                                        + "&start=" + (now - RANGE_SECONDS) + "&end=" + now).body());
                                if (!"success".equals(ex.path("status").asText())) {
                                    problems.add(where + ": exemplars: " + ex.path("error").asText());
                                }
                            }
                        }
                        if (!NEEDS_HISTORY.contains(target) && (mayBeUndefined ? withData == 0 : !empty.isEmpty())) {
                            problems.add(where + ": no data for " + (mayBeUndefined ? "any of " + sets : empty));
                        }
                        checked++;
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).isGreaterThan(160);
        assertThat(workloads).as("the workloads the dashboards ran for").contains("web", "vote-bot", "emoji");
    }

    @Test
    void theProxyAndExporterMetricsPassPromtoolCheckMetrics() throws Exception {
        for (String target : List.of(mesh.exporterTarget(), mesh.web.ip + ":" + mesh.web.adminPort())) {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create("http://" + target + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            Path scraped = Files.writeString(dir.resolve("metrics-" + target.replace(':', '-') + ".txt"), r.body());
            Command c = Command.run(dir, List.of("sh", "-c", Tools.path("promtool") + " check metrics < " + scraped));
            assertThat(c.exitCode()).as(target + ": " + c.output()).isZero();
            assertThat(c.output()).as(target).isEmpty();
        }
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
        // each server stores one kind only (the native one keeps a histogram without observations
        // as classic buckets, all zero), so each half of the `or` in every latency query is used
        assertThat(prometheus.query("meshlens_response_latency_seconds_bucket{le=\"+Inf\"} > 0").path("data").path("result")).isEmpty();
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
            JsonNode emoji = run(p, "meshlens-slo", "Latency bound", "A", Map.of("namespace", Mesh.NAMESPACE, "workload", "emoji"));
            assertThat(value(emoji.get(0))).isEqualTo(0.25);
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
