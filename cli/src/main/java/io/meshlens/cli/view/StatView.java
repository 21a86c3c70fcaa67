package io.meshlens.cli.view;

import java.io.PrintWriter;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshlens.cli.render.Cells;
import io.meshlens.cli.render.OutputFormat;
import io.meshlens.cli.render.Table;

/** {@code meshlens stat}'s output from a {@code /api/v1/stat} answer (or the same shape built from Prometheus). */
public final class StatView {
    private StatView() {}

    public static void print(JsonNode stat, OutputFormat format, boolean allNamespaces, PrintWriter out) {
        if (format == OutputFormat.json) {
            Json.print(stat, out);
            return;
        }
        boolean wide = format == OutputFormat.wide;
        Table t = wide
                ? new Table("NAMESPACE", "NAME", "MESHED", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99",
                        "TCP_CONN", "READ_BYTES/SEC", "WRITE_BYTES/SEC")
                : allNamespaces
                        ? new Table("NAMESPACE", "NAME", "MESHED", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99", "TCP_CONN")
                        : new Table("NAME", "MESHED", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99", "TCP_CONN");
        for (JsonNode r : stat.path("rows")) {
            String name = r.path("name").asText();
            String meshed = r.path("meshed_pods").asLong() + "/" + r.path("total_pods").asLong();
            String[] common = {meshed, Cells.percent(r.get("success_rate")), Cells.rps(r.get("rps")),
                Cells.latency(r.get("latency_p50_seconds")), Cells.latency(r.get("latency_p95_seconds")),
                Cells.latency(r.get("latency_p99_seconds")), Cells.integer(r.get("tcp_open_connections"))};
            if (wide) {
                t.row(concat(new String[] {r.path("namespace").asText(), name}, common,
                        new String[] {Cells.bytesPerSecond(r.get("read_bytes_per_second")),
                            Cells.bytesPerSecond(r.get("write_bytes_per_second"))}));
            } else if (allNamespaces) {
                t.row(concat(new String[] {r.path("namespace").asText(), name}, common, new String[0]));
            } else {
                t.row(concat(new String[] {name}, common, new String[0]));
            }
        }
        if (t.isEmpty()) {
            out.println("No traffic " + CompletenessNote.window(stat) + ".");
            CompletenessNote.print(stat, out);
            return;
        }
        t.print(out);
        CompletenessNote.print(stat, out);
    }

    static String[] concat(String[] a, String[] b, String[] c) {
        String[] r = new String[a.length + b.length + c.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        System.arraycopy(c, 0, r, a.length + b.length, c.length);
        return r;
    }
}
