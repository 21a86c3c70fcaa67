package io.meshlens.install.intercept;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The iptables (nat table) rules the init container installs in a pod's network namespace so that
 * an unmodified app talks through its proxy:
 * <ul>
 *   <li>inbound: TCP arriving for the app's ports (or every port but the proxy's own and the
 *       skipped ones) is REDIRECTed to the proxy's inbound listener, which recovers the original
 *       port with {@code SO_ORIGINAL_DST} and forwards to {@code 127.0.0.1:<port>};</li>
 *   <li>outbound: TCP the app opens is REDIRECTed to the proxy's outbound listener, except the
 *       proxy's own connections (matched by its uid, so they are not looped back), loopback
 *       traffic and the skipped destination ports.</li>
 * </ul>
 * REDIRECT (not TPROXY) keeps the proxy unprivileged: reading {@code SO_ORIGINAL_DST} needs no
 * capability, while TPROXY needs {@code IP_TRANSPARENT} (CAP_NET_ADMIN) in the proxy itself.
 *
 * <p>Rules live in two chains of our own, flushed and refilled on every run, and the jumps into
 * them are added only when missing, so running the script twice leaves the same rules.
 */
public final class InterceptionRules {
    public static final String INBOUND_CHAIN = "MESHLENS_INBOUND";
    public static final String OUTBOUND_CHAIN = "MESHLENS_OUTBOUND";
    /** iptables multiport accepts at most 15 ports (a range counts twice). */
    private static final int MULTIPORT_MAX = 15;

    private final int proxyUid;
    private final int inboundPort;
    private final int outboundPort;
    private final int adminPort;
    private final PortRanges inboundPorts;
    private final PortRanges skipInbound;
    private final PortRanges skipOutbound;

    private InterceptionRules(Builder b) {
        proxyUid = b.proxyUid;
        inboundPort = b.inboundPort;
        outboundPort = b.outboundPort;
        adminPort = b.adminPort;
        inboundPorts = b.inboundPorts;
        skipInbound = b.skipInbound;
        skipOutbound = b.skipOutbound;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Each rule as the argument list after {@code iptables}, in the order they are applied. */
    public List<List<String>> commands() {
        List<List<String>> c = new ArrayList<>();
        // Inbound.
        List<String> skipIn = new ArrayList<>();
        if (inboundPorts.isEmpty()) {
            // Everything but the proxy's own listeners: redirecting 4143 would loop, 4191 must
            // reach the admin server directly (probes, the exporter's scrapes).
            skipIn.add(Integer.toString(inboundPort));
            skipIn.add(Integer.toString(adminPort));
        }
        skipInbound.ranges().forEach(r -> skipIn.add(r.iptables()));
        for (List<String> chunk : chunks(skipIn)) {
            c.add(List.of("-t", "nat", "-A", INBOUND_CHAIN, "-p", "tcp", "-m", "multiport", "--dports", String.join(",", chunk), "-j", "RETURN"));
        }
        if (inboundPorts.isEmpty()) {
            c.add(List.of("-t", "nat", "-A", INBOUND_CHAIN, "-p", "tcp", "-j", "REDIRECT", "--to-ports", Integer.toString(inboundPort)));
        } else {
            List<String> ports = inboundPorts.ranges().stream().map(PortRanges.Range::iptables).toList();
            for (List<String> chunk : chunks(ports)) {
                c.add(List.of("-t", "nat", "-A", INBOUND_CHAIN, "-p", "tcp", "-m", "multiport", "--dports", String.join(",", chunk),
                        "-j", "REDIRECT", "--to-ports", Integer.toString(inboundPort)));
            }
        }
        // Outbound.
        c.add(List.of("-t", "nat", "-A", OUTBOUND_CHAIN, "-m", "owner", "--uid-owner", Integer.toString(proxyUid), "-j", "RETURN"));
        c.add(List.of("-t", "nat", "-A", OUTBOUND_CHAIN, "-o", "lo", "-j", "RETURN"));
        List<String> skipOut = skipOutbound.ranges().stream().map(PortRanges.Range::iptables).toList();
        for (List<String> chunk : chunks(skipOut)) {
            c.add(List.of("-t", "nat", "-A", OUTBOUND_CHAIN, "-p", "tcp", "-m", "multiport", "--dports", String.join(",", chunk), "-j", "RETURN"));
        }
        c.add(List.of("-t", "nat", "-A", OUTBOUND_CHAIN, "-p", "tcp", "-j", "REDIRECT", "--to-ports", Integer.toString(outboundPort)));
        return c;
    }

    /**
     * A POSIX shell script for the init container ({@code sh -c}): creates or flushes our chains,
     * fills them, hooks them into PREROUTING / OUTPUT once, and prints the result.
     */
    public String script() {
        StringBuilder s = new StringBuilder();
        s.append("set -eu\n");
        for (String chain : List.of(INBOUND_CHAIN, OUTBOUND_CHAIN)) {
            s.append("iptables -t nat -N ").append(chain).append(" 2>/dev/null || iptables -t nat -F ").append(chain).append('\n');
        }
        for (List<String> cmd : commands()) {
            s.append("iptables ").append(String.join(" ", cmd)).append('\n');
        }
        s.append(jumpOnce("PREROUTING", INBOUND_CHAIN));
        s.append(jumpOnce("OUTPUT", OUTBOUND_CHAIN));
        s.append("iptables -t nat -S\n");
        return s.toString();
    }

    private static String jumpOnce(String from, String to) {
        String rule = "-t nat %s " + from + " -p tcp -j " + to;
        return "iptables " + String.format(rule, "-C") + " 2>/dev/null || iptables " + String.format(rule, "-A") + "\n";
    }

    private static List<List<String>> chunks(List<String> ports) {
        List<List<String>> out = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        int weight = 0;
        for (String p : ports) {
            int w = p.contains(":") ? 2 : 1;
            if (weight + w > MULTIPORT_MAX) {
                out.add(cur);
                cur = new ArrayList<>();
                weight = 0;
            }
            cur.add(p);
            weight += w;
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    public int proxyUid() { return proxyUid; }
    public int inboundPort() { return inboundPort; }
    public int outboundPort() { return outboundPort; }
    public PortRanges inboundPorts() { return inboundPorts; }

    public static final class Builder {
        private int proxyUid = 2102;
        private int inboundPort = 4143;
        private int outboundPort = 4140;
        private int adminPort = 4191;
        private PortRanges inboundPorts = PortRanges.NONE;
        private PortRanges skipInbound = PortRanges.NONE;
        private PortRanges skipOutbound = PortRanges.NONE;

        private Builder() {}

        public Builder proxyUid(int uid) {
            if (uid < 1) {
                throw new IllegalArgumentException("proxyUid: " + uid + " (expected: > 0; root's traffic cannot be told apart from the app's)");
            }
            proxyUid = uid;
            return this;
        }

        public Builder inboundPort(int p) { inboundPort = port("inboundPort", p); return this; }
        public Builder outboundPort(int p) { outboundPort = port("outboundPort", p); return this; }
        public Builder adminPort(int p) { adminPort = port("adminPort", p); return this; }
        /** The app's ports to intercept; empty (the default) means every port but the proxy's. */
        public Builder inboundPorts(PortRanges r) { inboundPorts = requireNonNull(r, "inboundPorts"); return this; }
        public Builder skipInboundPorts(PortRanges r) { skipInbound = requireNonNull(r, "skipInboundPorts"); return this; }
        public Builder skipOutboundPorts(PortRanges r) { skipOutbound = requireNonNull(r, "skipOutboundPorts"); return this; }

        private static int port(String name, int p) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException(name + ": " + p + " (expected: 1..65535)");
            }
            return p;
        }

        public InterceptionRules build() {
            return new InterceptionRules(this);
        }
    }
}
