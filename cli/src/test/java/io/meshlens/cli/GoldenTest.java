package io.meshlens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshlens.cli.render.OutputFormat;
import io.meshlens.cli.view.EdgesView;
import io.meshlens.cli.view.RoutesView;
import io.meshlens.cli.view.StatView;
import io.meshlens.cli.view.TapView;
import io.meshlens.cli.view.TopTable;
import io.meshlens.cli.view.VersionView;

/**
 * Every command's table, wide and JSON output against golden files. The inputs in
 * {@code src/test/resources/golden/} are answers a real exporter gave during a run of the local
 * demo ({@code stat-prometheus*.json}: what {@code stat --prometheus -o json} printed from the
 * demo's Prometheus; {@code stat-missing.json}: an exporter of {@code ClusterWideLiveApiTest}
 * whose peer on node-c had stopped). After an intended change of output, regenerate with
 * {@code mvn -pl cli test -Dtest=GoldenTest -Dmeshlens.golden.update=true} and review the diff.
 */
class GoldenTest {
    private static final Path DIR = Path.of("src/test/resources/golden");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> outputs() {
        return Stream.of(
                golden("stat.table", out -> StatView.print(read("stat.json"), OutputFormat.table, false, out)),
                golden("stat.wide", out -> StatView.print(read("stat.json"), OutputFormat.wide, false, out)),
                golden("stat.json", out -> StatView.print(read("stat.json"), OutputFormat.json, false, out)),
                golden("stat-all.table", out -> StatView.print(read("stat-all.json"), OutputFormat.table, true, out)),
                golden("stat-partial.table", out -> StatView.print(read("stat-partial.json"), OutputFormat.table, false, out)),
                golden("stat-prometheus.table", out -> StatView.print(read("stat-prometheus.json"), OutputFormat.table, false, out)),
                golden("stat-prometheus.wide", out -> StatView.print(read("stat-prometheus.json"), OutputFormat.wide, false, out)),
                golden("stat-prometheus.json", out -> StatView.print(read("stat-prometheus.json"), OutputFormat.json, false, out)),
                golden("stat-prometheus-partial.table", out -> StatView.print(read("stat-prometheus-partial.json"), OutputFormat.table, false, out)),
                golden("stat-missing.table", out -> StatView.print(read("stat-missing.json"), OutputFormat.table, false, out)),
                golden("stat-empty.table", out -> StatView.print(JSON.createObjectNode().putArray("rows"), OutputFormat.table, false, out)),
                golden("edges.table", out -> EdgesView.print(read("edges.json"), OutputFormat.table, out)),
                golden("edges.wide", out -> EdgesView.print(read("edges.json"), OutputFormat.wide, out)),
                golden("edges.json", out -> EdgesView.print(read("edges.json"), OutputFormat.json, out)),
                golden("routes.table", out -> RoutesView.print(read("routes.json"), OutputFormat.table, out)),
                golden("routes.wide", out -> RoutesView.print(read("routes.json"), OutputFormat.wide, out)),
                golden("routes.json", out -> RoutesView.print(read("routes.json"), OutputFormat.json, out)),
                golden("version.table", out -> VersionView.print("0.1.0", read("version.json"), OutputFormat.table, out)),
                golden("version-client.table", out -> VersionView.print("0.1.0", null, OutputFormat.table, out)),
                golden("version.json", out -> VersionView.print("0.1.0", read("version.json"), OutputFormat.json, out)),
                golden("tap.table", out -> tap().forEach(e -> out.println(TapView.line(e, false)))),
                golden("tap.wide", out -> tap().forEach(e -> out.println(TapView.line(e, true)))),
                golden("tap-traced.table", out -> tap("tap-traced.ndjson").forEach(e -> out.println(TapView.line(e, false)))),
                golden("top.table", out -> top().print(OutputFormat.table, out)),
                golden("top.json", out -> top().print(OutputFormat.json, out)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outputs")
    void matchesGoldenFile(String name, Consumer<PrintWriter> render) throws IOException {
        StringWriter s = new StringWriter();
        PrintWriter out = new PrintWriter(s);
        render.accept(out);
        out.flush();
        Path expected = DIR.resolve(name + ".golden");
        if (Boolean.getBoolean("meshlens.golden.update")) {
            Files.writeString(expected, s.toString());
        }
        assertThat(s.toString()).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }

    /** Item 4 of the CLI's rough edges: the live and the Prometheus answers of stat have one schema. */
    @Test
    void liveAndPrometheusStatAnswersShareOneSchema() {
        assertThat(StatSchema.of(read("stat-prometheus.json"))).isEqualTo(StatSchema.of(read("stat.json")));
        assertThat(StatSchema.of(read("stat.json"))).containsEntry("window", "string").containsEntry("window_seconds", "float")
                .containsEntry("rows[].tcp_open_connections", "integer").containsEntry("rows[].read_bytes_per_second", "float")
                .containsEntry("rows[].requests", "integer").containsEntry("exporters", "integer").containsEntry("partial", "boolean")
                .containsKey("missing");
    }

    private static Arguments golden(String name, Consumer<PrintWriter> render) {
        return Arguments.of(name, render);
    }

    private static JsonNode read(String file) {
        try {
            return JSON.readTree(DIR.resolve(file).toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Stream<JsonNode> tap() {
        return tap("tap.ndjson");
    }

    private static Stream<JsonNode> tap(String file) {
        try {
            return Files.readAllLines(DIR.resolve(file)).stream().filter(l -> !l.isBlank()).map(l -> {
                try {
                    return JSON.readTree(l);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TopTable top() {
        TopTable t = new TopTable();
        tap().forEach(t::add);
        return t;
    }
}
