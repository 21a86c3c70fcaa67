package io.meshlens.cli.view;

import java.io.PrintWriter;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshlens.cli.render.Cells;
import io.meshlens.cli.render.OutputFormat;
import io.meshlens.cli.render.Table;

/** {@code meshlens routes}: golden signals per route of one resource. */
public final class RoutesView {
    private RoutesView() {}

    public static void print(JsonNode routes, OutputFormat format, PrintWriter out) {
        if (format == OutputFormat.json) {
            Json.print(routes, out);
            return;
        }
        boolean wide = format == OutputFormat.wide;
        Table t = wide
                ? new Table("ROUTE", "AUTHORITY", "DIRECTION", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99")
                : new Table("ROUTE", "AUTHORITY", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99");
        for (JsonNode r : routes.path("rows")) {
            String[] tail = {Cells.percent(r.get("success_rate")), Cells.rps(r.get("rps")),
                Cells.latency(r.get("latency_p50_seconds")), Cells.latency(r.get("latency_p95_seconds")),
                Cells.latency(r.get("latency_p99_seconds"))};
            String[] head = wide
                    ? new String[] {Cells.text(r.get("route")), Cells.text(r.get("authority")), Cells.text(r.get("direction"))}
                    : new String[] {Cells.text(r.get("route")), Cells.text(r.get("authority"))};
            t.row(StatView.concat(head, tail, new String[0]));
        }
        if (t.isEmpty()) {
            out.println("No traffic " + CompletenessNote.window(routes) + ".");
            CompletenessNote.print(routes, out);
            return;
        }
        t.print(out);
        CompletenessNote.print(routes, out);
    }
}
