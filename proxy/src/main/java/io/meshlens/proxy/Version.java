package io.meshlens.proxy;

/** The proxy version, reported in {@code meshlens_proxy_info}. */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {}
}
