package io.meshlens.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.meshlens.proxy.metrics.MeshlensMetrics;
import io.meshlens.proxy.testing.PromText;
import io.meshlens.proxy.testing.Proxies;

/** docs/metrics.md and docs/proxy.md must match the code that defines metrics and config keys. */
class DocsTest {
    private static Path docs(String name) {
        Path p = Path.of("..", "docs", name);
        return Files.exists(p) ? p : Path.of("docs", name);
    }

    @Test
    void metricsTableMatchesCode() throws Exception {
        String md = Files.readString(docs("metrics.md"));
        String table = md.substring(md.indexOf("<!-- metrics-table:start -->"), md.indexOf("<!-- metrics-table:end -->"));
        List<String> expected = new ArrayList<>();
        for (MeshlensMetrics m : MeshlensMetrics.values()) {
            expected.add(m.metricName() + "|" + m.help());
        }
        List<String> actual = new ArrayList<>();
        for (String line : table.split("\n")) {
            if (line.startsWith("| `meshlens_")) {
                String[] cells = line.split("\\|");
                actual.add(cells[1].trim().replace("`", "") + "|" + cells[4].trim());
            }
        }
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void configTableMatchesKeys() throws Exception {
        String md = Files.readString(docs("proxy.md"));
        String table = md.substring(md.indexOf("<!-- config-table:start -->"), md.indexOf("<!-- config-table:end -->"));
        List<String> expected = new ArrayList<>();
        for (ConfigKey k : ConfigKey.values()) {
            expected.add(k.env() + "|" + (k == ConfigKey.CONFIG ? "" : k.yaml()) + "|" + k.defaultValue() + "|" + k.doc());
        }
        List<String> actual = new ArrayList<>();
        for (String line : table.split("\n")) {
            if (line.startsWith("| `MESHLENS_")) {
                String[] c = line.split("\\|");
                actual.add(c[1].trim().replace("`", "") + "|" + c[2].trim().replace("`", "") + "|"
                           + c[3].trim().replace("`", "") + "|" + c[4].trim());
            }
        }
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void exposedNamesMatchContract() throws Exception {
        try (RunningProxy p = ProxyServer.start(Proxies.config(Proxies.any()).build())) {
            PromText m = Proxies.scrape(p);
            Set<String> types = new HashSet<>(m.types().keySet());
            // Families with no samples yet are still declared with HELP/TYPE only when they have data;
            // the always-present ones:
            assertThat(types).contains("meshlens_proxy_info", "meshlens_tap_events_dropped_total",
                    "meshlens_tcp_open_connections", "jvm_memory_used_bytes", "process_cpu_seconds_total");
            assertThat(m.types().get("meshlens_proxy_info")).isEqualTo("gauge");
        }
    }
}
