package io.meshlens.install.intercept;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A set of TCP port ranges written as {@code "25,3306-3307,8000-8999"} (the format of the
 * {@code meshlens.io/skip-*-ports} annotations and the CLI flags, as Linkerd's).
 */
public final class PortRanges {
    public static final PortRanges NONE = new PortRanges(List.of());

    /** One inclusive range; {@code first == last} for a single port. */
    public record Range(int first, int last) {
        public Range {
            if (first < 1 || last > 65535 || first > last) {
                throw new IllegalArgumentException("port range: " + first + "-" + last + " (expected: 1 <= first <= last <= 65535)");
            }
        }

        /** iptables multiport syntax: {@code 8080} or {@code 3306:3307}. */
        String iptables() {
            return first == last ? Integer.toString(first) : first + ":" + last;
        }

        @Override
        public String toString() {
            return first == last ? Integer.toString(first) : first + "-" + last;
        }
    }

    private final List<Range> ranges;

    private PortRanges(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    public static PortRanges of(Range... ranges) {
        return new PortRanges(List.of(ranges));
    }

    public static PortRanges ofPorts(List<Integer> ports) {
        List<Range> r = new ArrayList<>();
        for (int p : ports) {
            r.add(new Range(p, p));
        }
        return new PortRanges(r);
    }

    /** Parses {@code "25, 3306-3307"}; blank means none. */
    public static PortRanges parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        List<Range> r = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                int dash = p.indexOf('-');
                if (dash < 0) {
                    int port = Integer.parseInt(p);
                    r.add(new Range(port, port));
                } else {
                    r.add(new Range(Integer.parseInt(p.substring(0, dash).trim()), Integer.parseInt(p.substring(dash + 1).trim())));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("port range: '" + p + "' (expected: a port like 25 or a range like 3306-3307)");
            }
        }
        return new PortRanges(r);
    }

    public List<Range> ranges() {
        return ranges;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public boolean contains(int port) {
        for (Range r : ranges) {
            if (port >= r.first && port <= r.last) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortRanges && ((PortRanges) o).ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    @Override
    public String toString() {
        return String.join(",", ranges.stream().map(Range::toString).toList());
    }
}
