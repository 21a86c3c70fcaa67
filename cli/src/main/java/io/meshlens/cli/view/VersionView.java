package io.meshlens.cli.view;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshlens.cli.render.OutputFormat;
import io.meshlens.cli.render.Table;

/** {@code meshlens version [--proxy]}. */
public final class VersionView {
    private VersionView() {}

    /** @param server the {@code /api/v1/version} answer, or null without {@code --proxy} */
    public static void print(String client, JsonNode server, OutputFormat format, PrintWriter out) {
        if (format == OutputFormat.json) {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("client", client);
            if (server != null) {
                n.set("exporter", server.get("exporter"));
                n.set("proxies", server.get("proxies"));
                for (String scope : new String[] {"exporters", "partial", "missing"}) {
                    if (server.has(scope)) {
                        n.set(scope, server.get(scope));
                    }
                }
            }
            Json.print(n, out);
            return;
        }
        out.println("Client version: " + client);
        if (server != null) {
            out.println("Exporter version: " + server.path("exporter").asText("unknown"));
            Table t = new Table("PROXY_VERSION", "PODS");
            for (Iterator<Map.Entry<String, JsonNode>> it = server.path("proxies").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                t.row(e.getKey().isEmpty() ? "unknown" : e.getKey(), String.valueOf(e.getValue().asLong()));
            }
            if (t.isEmpty()) {
                out.println("No meshed pods found.");
            } else {
                t.print(out);
            }
            CompletenessNote.print(server, out);
        }
        out.flush();
    }
}
