package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshlens.mixin.testing.Dashboards;
import io.meshlens.mixin.testing.Repo;

/**
 * Every rendered dashboard follows the conventions users rely on: a stable short uid, tags, a
 * datasource variable used by every query, no undefined variables, ranges that follow the
 * dashboard ($__rate_interval), unique panel ids, descriptions and units, and drill-down links
 * that point at dashboards that exist.
 */
class DashboardStructureTest {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern RANGE = Pattern.compile("\\[([^\\]]+)\\]");
    private static final Pattern LINK_UID = Pattern.compile("/d/([^/?]+)/");
    private static final Set<String> BUILTIN = Set.of("__rate_interval", "__range", "__interval", "__data", "__value",
            "__url_time_range", "__field", "__series");
    private final List<JsonNode> dashboards = Dashboards.load(Repo.root());

    @Test
    void uidsTitlesAndTags() {
        assertThat(dashboards).hasSize(8);
        Set<String> uids = new HashSet<>();
        for (JsonNode d : dashboards) {
            String uid = d.path("uid").asText();
            assertThat(uid).hasSizeLessThanOrEqualTo(40).startsWith("meshlens-").matches("[a-z0-9-]+");
            assertThat(uids.add(uid)).as("unique uid " + uid).isTrue();
            assertThat(d.path("title").asText()).startsWith("meshlens / ");
            assertThat(d.path("tags").toString()).contains("\"meshlens\"");
            assertThat(d.path("description").asText()).isNotBlank();
            JsonNode ds = d.path("templating").path("list").get(0);
            assertThat(ds.path("name").asText()).isEqualTo("datasource");
            assertThat(ds.path("type").asText()).isEqualTo("datasource");
            assertThat(ds.path("query").asText()).isEqualTo("prometheus");
        }
    }

    @Test
    void panelIdsAreUniqueAndPanelsAreDescribed() {
        for (JsonNode d : dashboards) {
            Set<Integer> ids = new HashSet<>();
            for (JsonNode p : Dashboards.panels(d)) {
                String where = d.path("uid").asText() + " / " + p.path("title").asText();
                assertThat(ids.add(p.path("id").asInt())).as("unique id in " + where).isTrue();
                JsonNode pos = p.path("gridPos");
                assertThat(pos.path("x").asInt() + pos.path("w").asInt()).as(where).isLessThanOrEqualTo(24);
                if (p.path("type").asText().equals("row")) {
                    continue;
                }
                assertThat(p.path("description").asText()).as("description of " + where).isNotBlank();
                assertThat(p.path("datasource").path("uid").asText()).as(where).isEqualTo("${datasource}");
                assertThat(p.path("targets").size()).as(where).isPositive();
                if (Set.of("timeseries", "stat").contains(p.path("type").asText())) {
                    assertThat(p.path("fieldConfig").path("defaults").path("unit").asText()).as("unit of " + where).isNotBlank();
                }
            }
        }
    }

    @Test
    void everyTargetUsesTheDatasourceVariableAndOnlyKnownVariables() {
        int targets = 0;
        for (JsonNode d : dashboards) {
            Set<String> known = new HashSet<>(Dashboards.variableNames(d));
            known.addAll(BUILTIN);
            for (JsonNode p : Dashboards.panels(d)) {
                for (JsonNode t : p.path("targets")) {
                    String where = d.path("uid").asText() + " / " + p.path("title").asText() + " / " + t.path("refId").asText();
                    assertThat(t.path("datasource").path("uid").asText()).as(where).isEqualTo("${datasource}");
                    String expr = t.path("expr").asText();
                    assertThat(expr).as(where).isNotBlank();
                    Matcher m = VARIABLE.matcher(expr);
                    while (m.find()) {
                        assertThat(known).as("variable $" + m.group(1) + " in " + where).contains(m.group(1));
                    }
                    Matcher r = RANGE.matcher(expr);
                    while (r.find()) {
                        assertThat(r.group(1)).as("range in " + where).isIn("$__rate_interval", "$__range");
                    }
                    targets++;
                }
            }
            for (JsonNode v : d.path("templating").path("list")) {
                Matcher m = VARIABLE.matcher(v.path("query").asText());
                while (m.find()) {
                    assertThat(known).as("variable in the query of $" + v.path("name").asText()).contains(m.group(1));
                }
            }
        }
        assertThat(targets).isGreaterThan(80);
    }

    @Test
    void everyRateOverRawSeriesFollowsTheDashboard() {
        for (JsonNode d : dashboards) {
            String json = d.toString();
            if (json.contains("rate(meshlens_") || json.contains("rate(process_")) {
                assertThat(json).as(d.path("uid").asText()).contains("$__rate_interval");
            }
        }
    }

    @Test
    void linksPointAtExistingDashboards() {
        Set<String> uids = new HashSet<>();
        dashboards.forEach(d -> uids.add(d.path("uid").asText()));
        int links = 0;
        for (JsonNode d : dashboards) {
            Matcher m = LINK_UID.matcher(d.toString());
            while (m.find()) {
                assertThat(uids).as("link target in " + d.path("uid").asText()).contains(m.group(1));
                links++;
            }
        }
        assertThat(links).isGreaterThanOrEqualTo(8);
        // the drill-down chain: top line -> workload; namespace -> workload; workload -> pod, route, callers
        assertThat(linkTargets("meshlens-top-line")).contains("meshlens-workload");
        assertThat(linkTargets("meshlens-namespace")).contains("meshlens-workload");
        assertThat(linkTargets("meshlens-workload")).contains("meshlens-pod", "meshlens-route", "meshlens-workload");
    }

    @Test
    void namespaceDashboardHasTheWorkloadTableAndTheDependencyGraph() {
        JsonNode ns = dashboards.stream().filter(d -> d.path("uid").asText().equals("meshlens-namespace")).findFirst().orElseThrow();
        List<String> types = Dashboards.panels(ns).stream().map(p -> p.path("type").asText()).toList();
        assertThat(types).contains("table", "nodeGraph");
        JsonNode table = Dashboards.panels(ns).stream().filter(p -> p.path("type").asText().equals("table")).findFirst().orElseThrow();
        assertThat(table.toString()).contains("Meshed pods", "Success rate", "RPS", "p50", "p95", "p99", "color-text");
    }

    private Set<String> linkTargets(String uid) {
        JsonNode d = dashboards.stream().filter(x -> x.path("uid").asText().equals(uid)).findFirst().orElseThrow();
        Set<String> out = new HashSet<>();
        Matcher m = LINK_UID.matcher(d.toString());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
