package io.meshlens.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshlens.cli.api.ExporterApi;
import io.meshlens.install.check.CheckReport;
import io.meshlens.install.check.CheckResult;
import io.meshlens.install.check.CheckResult.Status;

/**
 * {@code meshlens check --proxy}: the data plane as the exporter sees it ({@code /api/v1/proxies}),
 * so it works anywhere an exporter runs, the local demo included. Lists every proxy that is down,
 * unready or on another version - never only the first - and sets finished pods (completed,
 * evicted) aside instead of waiting for them, the lesson of Linkerd's check hanging on them.
 */
final class ProxyCheck {
    private static final String GROUP = "meshlens-data-plane";

    private ProxyCheck() {}

    static CheckReport run(ExporterApi api, String namespace, String expectedVersion) {
        List<CheckResult> results = new ArrayList<>();
        JsonNode proxies;
        try {
            proxies = api.get("proxies", Map.of()).path("proxies");
        } catch (io.meshlens.cli.api.ApiException e) {
            results.add(new CheckResult(GROUP, "the exporter answers", Status.FAIL, List.of(e.getMessage().lines().findFirst().orElse("")),
                    "docs/install.md (meshlens check)"));
            return new CheckReport(results);
        }
        results.add(new CheckResult(GROUP, "the exporter answers", Status.OK, List.of(), ""));
        List<String> down = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        List<String> finished = new ArrayList<>();
        int live = 0;
        for (JsonNode p : proxies) {
            if (!namespace.isEmpty() && !namespace.equals(p.path("namespace").asText())) {
                continue;
            }
            String name = p.path("namespace").asText() + "/" + p.path("pod").asText();
            if (p.path("finished").asBoolean()) {
                finished.add(name + " (" + p.path("phase").asText() + ")");
                continue;
            }
            live++;
            if (!p.path("up").asBoolean() || !p.path("ready").asBoolean()) {
                String why = p.path("last_error").isNull() ? "not ready" : p.path("last_error").asText();
                down.add(name + ": " + why);
            }
            String v = p.path("version").asText();
            if (!v.equals(expectedVersion)) {
                stale.add(name + ": " + (v.isEmpty() ? "unknown version" : v) + " (expected " + expectedVersion + ")");
            }
        }
        results.add(new CheckResult(GROUP, live + " meshed pod(s) found", live == 0 ? Status.WARN : Status.OK, List.of(),
                "meshlens inject adds the proxy to a workload"));
        results.add(new CheckResult(GROUP, "every proxy is up and ready", down.isEmpty() ? Status.OK : Status.FAIL, down,
                "kubectl describe pod POD; the proxy's /ready on its admin port 4191"));
        results.add(new CheckResult(GROUP, "every proxy is on " + expectedVersion, stale.isEmpty() ? Status.OK : Status.FAIL, stale,
                "restart the workload (kubectl rollout restart) after upgrading; docs/install.md"));
        if (!finished.isEmpty()) {
            results.add(new CheckResult(GROUP, finished.size() + " finished pod(s) set aside", Status.OK, finished, ""));
        }
        return new CheckReport(results);
    }
}
