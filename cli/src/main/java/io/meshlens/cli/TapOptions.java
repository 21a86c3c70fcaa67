package io.meshlens.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What to tap and which requests to keep: passed to the exporter, which fans out to every pod. */
public final class TapOptions {
    @Parameters(index = "0", paramLabel = "KIND[/NAME]", description = "e.g. deploy/web, deploy web, pod/web-abc, ns/emojivoto")
    String resource;

    @Parameters(index = "1", defaultValue = "", paramLabel = "NAME", description = "the name, when not given as KIND/NAME")
    String name;

    @Option(names = "--direction", description = "inbound or outbound")
    String direction;

    @Option(names = "--method", description = "HTTP method, e.g. POST")
    String method;

    @Option(names = "--authority", description = "only requests to this authority")
    String authority;

    @Option(names = "--path", description = "only paths starting with this prefix")
    String path;

    @Option(names = "--status", description = "only responses of this class: 2xx, 3xx, 4xx or 5xx")
    String status;

    @Option(names = "--peer", description = "only requests from or to this IP")
    String peer;

    @Option(names = "--max-rps", description = "at most this many requests per second per pod")
    String maxRps;

    @Option(names = "--trace-id", paramLabel = "ID", description = "only requests of this trace (from their traceparent or b3 header)")
    String traceId;

    /** Whether an event passes the filters applied here rather than by the proxies ({@code --trace-id}). */
    boolean keeps(com.fasterxml.jackson.databind.JsonNode event) {
        return traceId == null || traceId.equalsIgnoreCase(event.path("trace_id").asText());
    }

    /** The resource as typed, for titles. */
    String describe() {
        return name.isEmpty() ? resource : resource + " " + name;
    }

    Map<String, String> query(CommandLine cmd, String namespace) {
        Map<String, String> q = new LinkedHashMap<>();
        String[] ref = Kinds.resource(cmd, resource, this.name, true);
        String kind = ref[0];
        String name = ref[1];
        q.put("namespace", kind.equals("namespace") ? name : namespace);
        q.put("resource", kind);
        q.put("name", name);
        q.put("direction", direction);
        q.put("method", method);
        q.put("authority", authority);
        q.put("path", path);
        q.put("status", status);
        q.put("peer", peer);
        q.put("max_rps", maxRps);
        return q;
    }
}
