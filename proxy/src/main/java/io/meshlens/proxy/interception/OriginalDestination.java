package io.meshlens.proxy.interception;

import java.net.InetSocketAddress;

import io.netty.channel.Channel;

/**
 * Finds where an intercepted connection was originally going (e.g. {@code SO_ORIGINAL_DST} after
 * an iptables REDIRECT). Used only in transparent mode: the outbound listener asks it when a
 * request has no usable authority (and for opaque TCP), the inbound listener forwards to
 * {@code 127.0.0.1:<original port>}.
 */
@FunctionalInterface
public interface OriginalDestination {
    /** Knows nothing: transparent mode then behaves like explicit mode. */
    OriginalDestination NONE = accepted -> null;

    /** Returns the original destination of {@code accepted}, or {@code null} if unknown. */
    InetSocketAddress lookup(Channel accepted);
}
