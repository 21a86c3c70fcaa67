package io.meshlens.proxy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import io.meshlens.proxy.interception.SoOriginalDestination;
import io.meshlens.proxy.metrics.GrpcStatus;
import io.meshlens.proxy.routes.RouteTable;

/**
 * Reads a {@link ProxyConfig} from {@code MESHLENS_*} variables and the YAML file named by
 * {@code MESHLENS_CONFIG} (keys in {@code docs/proxy.md}), and parses each key's text form.
 * Every error names the key, the bad value and what was expected.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /**
     * The environment overrides the file.
     *
     * @throws ConfigException naming the key and the bad value
     */
    public static ProxyConfig fromEnvironment(Map<String, String> env) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        String file = env.get(ConfigKey.CONFIG.env());
        if (file != null && !file.isBlank()) {
            values.putAll(readYaml(Path.of(file.trim())));
        }
        for (ConfigKey k : ConfigKey.values()) {
            String v = env.get(k.env());
            if (v != null) {
                values.put(k, v);
            }
        }
        ProxyConfig.Builder b = ProxyConfig.builder();
        values.forEach(b::set);
        if (parseBoolean(ConfigKey.TRANSPARENT.env(), values.getOrDefault(ConfigKey.TRANSPARENT, "").trim())) {
            // Behind the init container's iptables REDIRECT rules: the original destination comes
            // from SO_ORIGINAL_DST on each accepted socket (docs/install.md, interception).
            try {
                b.originalDestination(SoOriginalDestination.create());
            } catch (IllegalStateException e) {
                throw new ConfigException(ConfigKey.TRANSPARENT.env() + ": true (" + e.getMessage() + ")", e);
            }
        }
        return b.build();
    }

    /** Reads a YAML config file: flat dotted keys ({@code connect.timeout: 2s}) or nested maps. */
    static Map<ConfigKey, String> readYaml(Path file) {
        Object doc;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = new Load(LoadSettings.builder().setMaxAliasesForCollections(10).build()).loadFromReader(r);
        } catch (IOException e) {
            throw new ConfigException(ConfigKey.CONFIG.env() + ": " + file + " (cannot read: " + e.getMessage() + ')', e);
        } catch (RuntimeException e) {
            throw new ConfigException(ConfigKey.CONFIG.env() + ": " + file + " (invalid YAML: " + e.getMessage() + ')', e);
        }
        Map<ConfigKey, String> out = new EnumMap<>(ConfigKey.class);
        if (doc == null) {
            return out;
        }
        if (!(doc instanceof Map)) {
            throw new ConfigException(ConfigKey.CONFIG.env() + ": " + file + " (expected: a YAML mapping)");
        }
        flatten("", (Map<?, ?>) doc, out, file);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<ConfigKey, String> out, Path file) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map) {
                flatten(key + '.', (Map<?, ?>) v, out, file);
                continue;
            }
            ConfigKey k = null;
            for (ConfigKey c : ConfigKey.values()) {
                if (c.yaml().equals(key.toLowerCase(Locale.ROOT).replace('_', '.'))) {
                    k = c;
                }
            }
            if (k == null || k == ConfigKey.CONFIG) {
                throw new ConfigException(file + ": unknown key " + key);
            }
            if (v instanceof List) {
                List<String> parts = new ArrayList<>();
                for (Object o : (List<?>) v) {
                    parts.add(String.valueOf(o));
                }
                out.put(k, String.join(",", parts));
            } else {
                out.put(k, v == null ? "" : String.valueOf(v));
            }
        }
    }

    /** Sets {@code key} on {@code b} from its (trimmed) text form. */
    static void apply(ProxyConfig.Builder b, ConfigKey key, String v) {
        String n = key.env();
        switch (key) {
            case CONFIG: break;
            case INBOUND: {
                List<PortMapping> mappings = new ArrayList<>();
                for (String part : splitList(v)) {
                    mappings.add(PortMapping.parse(n, part));
                }
                b.inbound(mappings);
                break;
            }
            case OUTBOUND: b.outbound(v.isEmpty() ? null : HostPort.parseAddress(n, v, false)); break;
            case ADMIN: b.admin(HostPort.parseAddress(n, v, false)); break;
            case NAMESPACE: b.namespace(v); break;
            case POD: b.pod(v); break;
            case WORKLOAD: b.workload(v); break;
            case NAMES: {
                Map<String, java.net.InetSocketAddress> names = new LinkedHashMap<>();
                for (String part : splitList(v)) {
                    int eq = part.indexOf('=');
                    if (eq <= 0) {
                        throw new ConfigException(n + ": " + part + " (expected: name=ip:port)");
                    }
                    names.put(part.substring(0, eq).trim(), HostPort.parseAddress(n, part.substring(eq + 1).trim(), false));
                }
                b.names(names);
                break;
            }
            case ROUTES: b.routes(v.isEmpty() ? RouteTable.empty() : RouteTable.load(n, Path.of(v))); break;
            case SOURCE_ADDRESS: b.sourceAddress(v.isEmpty() ? null : HostPort.parseIp(n, v)); break;
            case TRANSPARENT: b.transparent(parseBoolean(n, v)); break;
            case H2C_UPGRADE: b.h2cUpgrade(parseBoolean(n, v)); break;
            case CONNECT_TIMEOUT: b.connectTimeout(parseDuration(n, v)); break;
            case RESPONSE_TIMEOUT: b.responseTimeout(parseDuration(n, v)); break;
            case DETECT_TIMEOUT: b.detectTimeout(parseDuration(n, v)); break;
            case DRAIN_TIMEOUT: b.drainTimeout(parseDuration(n, v)); break;
            case IDLE_TIMEOUT: b.idleTimeout(parseDuration(n, v)); break;
            case HEADER_READ_TIMEOUT: b.headerReadTimeout(parseDuration(n, v)); break;
            case MAX_CONNECTIONS: b.maxConnections(parsePositive(n, v)); break;
            case MAX_CONCURRENT_REQUESTS: b.maxConcurrentRequests(parsePositive(n, v)); break;
            case MAX_INITIAL_LINE_LENGTH: b.maxInitialLineLength(parsePositive(n, v)); break;
            case MAX_HEADER_SIZE: b.maxHeaderSize(parsePositive(n, v)); break;
            case H2_MAX_CONCURRENT_STREAMS: b.http2MaxConcurrentStreams(parsePositive(n, v)); break;
            case LABEL_LIMIT: b.labelLimit(parsePositive(n, v)); break;
            case GRPC_FAILURE_CODES: {
                Set<Integer> codes = new TreeSet<>();
                for (String part : splitList(v)) {
                    int code = GrpcStatus.fromText(part);
                    if (code < 0) {
                        throw new ConfigException(n + ": " + part + " (expected: a gRPC code name or number 0-16)");
                    }
                    codes.add(code);
                }
                b.grpcFailureCodes(codes);
                break;
            }
            case TAP_TOKEN: b.tapToken(v); break;
            case TAP_QUEUE_SIZE: b.tapQueueSize(parsePositive(n, v)); break;
            case TAP_MAX_SUBSCRIBERS: b.tapMaxSubscribers(parsePositive(n, v)); break;
            case IO_THREADS: {
                int threads = parseInt(n, v);
                if (threads < 0) {
                    throw new ConfigException(n + ": " + v + " (expected: >= 0)");
                }
                b.ioThreads(threads);
                break;
            }
            default: throw new AssertionError(key);
        }
    }

    private static List<String> splitList(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.split("[,\\s]+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    static boolean parseBoolean(String n, String v) {
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true": case "1": case "yes": case "on": return true;
            case "false": case "0": case "no": case "off": case "": return false;
            default: throw new ConfigException(n + ": " + v + " (expected: true or false)");
        }
    }

    private static int parseInt(String n, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(n + ": " + v + " (expected: an integer)");
        }
    }

    private static int parsePositive(String n, String v) {
        int i = parseInt(n, v);
        if (i <= 0) {
            throw new ConfigException(n + ": " + v + " (expected: > 0)");
        }
        return i;
    }

    /** Parses {@code 250ms}, {@code 2s}, {@code 1m}, {@code 1h} or plain milliseconds. */
    static Duration parseDuration(String n, String v) {
        try {
            Duration d;
            if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                d = Duration.ofMillis(Long.parseLong(v));
            }
            if (d.isNegative() || d.isZero()) {
                throw new ConfigException(n + ": " + v + " (expected: > 0)");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException(n + ": " + v + " (expected: a duration like 500ms, 2s, 1m)");
        }
    }
}
