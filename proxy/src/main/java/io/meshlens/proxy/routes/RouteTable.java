package io.meshlens.proxy.routes;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import io.meshlens.proxy.ConfigException;

/**
 * Maps a request's method and path to a route name, so that metrics carry a bounded
 * {@code route} label instead of raw paths. First match wins; {@code default} when none matches.
 *
 * <pre>
 * routes:
 *   - name: get-user
 *     method: GET            # optional, any method when absent
 *     path: /users/{id}      # {x} or * = one segment, ** = the rest
 * </pre>
 */
public final class RouteTable {
    public static final String DEFAULT = "default";
    private static final RouteTable EMPTY = new RouteTable(List.of());

    private final Route[] routes;

    private RouteTable(List<Route> routes) {
        this.routes = routes.toArray(new Route[0]);
    }

    public static RouteTable empty() {
        return EMPTY;
    }

    public static RouteTable of(List<Route> routes) {
        return new RouteTable(List.copyOf(routes));
    }

    public int size() {
        return routes.length;
    }

    /** Returns the matched route name (an interned instance), never allocating. */
    public String match(String method, String uri) {
        for (Route r : routes) {
            if (r.matches(method, uri)) {
                return r.name();
            }
        }
        return DEFAULT;
    }

    /** Loads a route file; errors name the key, the file and the bad entry. */
    public static RouteTable load(String key, Path file) {
        Object doc;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = new Load(LoadSettings.builder().setMaxAliasesForCollections(10).build()).loadFromReader(r);
        } catch (IOException e) {
            throw new ConfigException(key + ": " + file + " (cannot read: " + e.getMessage() + ')', e);
        } catch (RuntimeException e) {
            throw new ConfigException(key + ": " + file + " (invalid YAML: " + e.getMessage() + ')', e);
        }
        if (!(doc instanceof Map) || !(((Map<?, ?>) doc).get("routes") instanceof List)) {
            throw new ConfigException(key + ": " + file + " (expected: a mapping with a 'routes' list)");
        }
        List<Route> out = new ArrayList<>();
        int i = 0;
        for (Object o : (List<?>) ((Map<?, ?>) doc).get("routes")) {
            if (!(o instanceof Map)) {
                throw new ConfigException(key + ": " + file + " routes[" + i + "]: " + o + " (expected: a mapping)");
            }
            Map<?, ?> m = (Map<?, ?>) o;
            Object name = m.get("name");
            Object path = m.get("path");
            Object method = m.get("method");
            if (!(name instanceof String) || ((String) name).isEmpty()) {
                throw new ConfigException(key + ": " + file + " routes[" + i + "].name: " + name + " (expected: a non-empty string)");
            }
            if (!(path instanceof String) || !((String) path).startsWith("/")) {
                throw new ConfigException(key + ": " + file + " routes[" + i + "].path: " + path + " (expected: a pattern starting with /)");
            }
            out.add(new Route((String) name, method == null ? null : String.valueOf(method).toUpperCase(Locale.ROOT),
                              (String) path));
            i++;
        }
        return new RouteTable(out);
    }

    /** One route: optional method, path pattern with {@code {x}}/{@code *} (one segment) and {@code **} (rest). */
    public static final class Route {
        private final String name;
        private final String method;
        private final String[] segments;

        public Route(String name, String method, String pattern) {
            this.name = requireNonNull(name, "name").intern();
            this.method = method;
            String p = requireNonNull(pattern, "pattern");
            this.segments = p.equals("/") ? new String[0] : p.substring(1).split("/", -1);
        }

        public String name() {
            return name;
        }

        boolean matches(String m, String uri) {
            if (method != null && !method.equals(m)) {
                return false;
            }
            int end = uri.indexOf('?');
            if (end < 0) {
                end = uri.length();
            }
            int pos = 0;
            if (uri.startsWith("http://") || uri.startsWith("https://")) { // absolute-form
                int slash = uri.indexOf('/', uri.indexOf("//") + 2);
                if (slash < 0 || slash > end) {
                    return segments.length == 0;
                }
                pos = slash;
            }
            if (pos >= end || uri.charAt(pos) != '/') {
                return false;
            }
            pos++; // past '/'
            for (int s = 0; s < segments.length; s++) {
                String seg = segments[s];
                if (seg.equals("**")) {
                    return true;
                }
                if (pos > end) {
                    return false;
                }
                int next = uri.indexOf('/', pos);
                if (next < 0 || next > end) {
                    next = end;
                }
                boolean wildcard = seg.equals("*") || (seg.startsWith("{") && seg.endsWith("}"));
                if (wildcard) {
                    if (next == pos) {
                        return false;
                    }
                } else if (next - pos != seg.length() || !uri.regionMatches(pos, seg, 0, seg.length())) {
                    return false;
                }
                pos = next + 1;
            }
            return segments.length == 0 ? end <= 1 || pos >= end : pos > end;
        }
    }
}
