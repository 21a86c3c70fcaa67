package io.meshlens.cli.view;

import java.io.PrintWriter;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshlens.cli.render.Cells;
import io.meshlens.cli.render.OutputFormat;
import io.meshlens.cli.render.Table;

/** {@code meshlens edges}: who calls whom, with request and success rates. */
public final class EdgesView {
    private EdgesView() {}

    public static void print(JsonNode edges, OutputFormat format, PrintWriter out) {
        if (format == OutputFormat.json) {
            Json.print(edges, out);
            return;
        }
        boolean wide = format == OutputFormat.wide;
        Table t = wide
                ? new Table("SRC", "DST", "SRC_NS", "DST_NS", "RPS", "SUCCESS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99")
                : new Table("SRC", "DST", "SRC_NS", "DST_NS", "RPS", "SUCCESS");
        for (JsonNode r : edges.path("rows")) {
            String src = Cells.workload(r, "src", "-");
            String dst = Cells.workload(r, "dst", "-");
            String[] base = {src, dst, Cells.text(r.get("src_namespace")), Cells.text(r.get("dst_namespace")),
                Cells.rps(r.get("rps")), Cells.percent(r.get("success_rate"))};
            if (wide) {
                t.row(StatView.concat(base, new String[] {Cells.latency(r.get("latency_p50_seconds")),
                    Cells.latency(r.get("latency_p95_seconds")), Cells.latency(r.get("latency_p99_seconds"))}, new String[0]));
            } else {
                t.row(base);
            }
        }
        if (t.isEmpty()) {
            out.println("No edges " + CompletenessNote.window(edges) + ".");
            CompletenessNote.print(edges, out);
            return;
        }
        t.print(out);
        CompletenessNote.print(edges, out);
    }

}
