package io.meshlens.demo;

import java.net.InetSocketAddress;

/**
 * Where a demo service sends calls: the address to connect to (the caller's outbound proxy, or
 * the callee itself when unmeshed) and the authority to ask for, as an app in a cluster would
 * use a Service name.
 */
public record Upstream(InetSocketAddress connect, String authority) {}
