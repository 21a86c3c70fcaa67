package io.meshlens.proxy.tap;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.meshlens.proxy.metrics.Direction;

/**
 * A subscriber's filter from {@code /tap} query parameters: {@code direction}, {@code method},
 * {@code authority}, {@code path} (prefix), {@code status} ({@code 2xx}..{@code 5xx} or a code),
 * {@code peer} (the other side's IP) and {@code max_rps}.
 */
public final class TapFilter {
    final Direction direction;
    final String method;
    final String authority;
    final String pathPrefix;
    final int statusClass; // 0 any, 2..5 class
    final int status;      // exact code, 0 any
    final String peer;
    final double maxRps;

    TapFilter(Direction direction, String method, String authority, String pathPrefix, int statusClass, int status,
              String peer, double maxRps) {
        this.direction = direction;
        this.method = method;
        this.authority = authority;
        this.pathPrefix = pathPrefix;
        this.statusClass = statusClass;
        this.status = status;
        this.peer = peer;
        this.maxRps = maxRps;
    }

    /** Parses query parameters; throws IllegalArgumentException naming the bad one. */
    public static TapFilter parse(Map<String, List<String>> q) {
        Direction d = null;
        String dir = first(q, "direction");
        if (dir != null) {
            switch (dir.toLowerCase(Locale.ROOT)) {
                case "inbound": d = Direction.INBOUND; break;
                case "outbound": d = Direction.OUTBOUND; break;
                default: throw new IllegalArgumentException("direction: " + dir + " (expected: inbound or outbound)");
            }
        }
        String method = first(q, "method");
        String status = first(q, "status");
        int cls = 0;
        int code = 0;
        if (status != null) {
            if (status.matches("[1-5]xx")) {
                cls = status.charAt(0) - '0';
            } else if (status.matches("[1-5][0-9][0-9]")) {
                code = Integer.parseInt(status);
            } else {
                throw new IllegalArgumentException("status: " + status + " (expected: 2xx..5xx or a code)");
            }
        }
        double rps = 0;
        String max = first(q, "max_rps");
        if (max != null) {
            try {
                rps = Double.parseDouble(max);
            } catch (NumberFormatException e) {
                rps = -1;
            }
            if (!(rps > 0)) {
                throw new IllegalArgumentException("max_rps: " + max + " (expected: > 0)");
            }
        }
        String authority = first(q, "authority");
        return new TapFilter(d, method == null ? null : method.toUpperCase(Locale.ROOT),
                authority == null ? null : authority.toLowerCase(Locale.ROOT), first(q, "path"), cls, code,
                first(q, "peer"), rps);
    }

    private static String first(Map<String, List<String>> q, String k) {
        List<String> v = q.get(k);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    /** Request-level match (decided at the req event, remembered for rsp/end). */
    boolean matchesRequest(TapSource x) {
        if (direction != null && x.direction() != direction) {
            return false;
        }
        if (method != null && !method.equals(x.method())) {
            return false;
        }
        if (authority != null && !authority.equals(x.authority()) && !x.authority().startsWith(authority + ':')) {
            return false;
        }
        if (pathPrefix != null && (x.path() == null || !x.path().startsWith(pathPrefix))) {
            return false;
        }
        if (peer != null) {
            String other = x.direction() == Direction.INBOUND ? x.src() : x.dst();
            if (other == null || !(other.startsWith(peer + ':') || other.equals(peer) || other.startsWith('[' + peer + "]:"))) {
                return false;
            }
        }
        return true;
    }

    boolean filtersStatus() {
        return statusClass != 0 || status != 0;
    }

    boolean matchesStatus(int code) {
        if (statusClass != 0) {
            return code / 100 == statusClass;
        }
        return status == 0 || code == status;
    }
}
