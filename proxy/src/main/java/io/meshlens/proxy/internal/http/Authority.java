package io.meshlens.proxy.internal.http;

import java.util.Locale;

/** Normalises request authorities to lower-case {@code host:port}, allocating only when needed. */
public final class Authority {
    private Authority() {}

    /** Returns {@code host:port} in lower case, adding {@code defaultPort}; "" for null/blank. */
    public static String normalize(String raw, int defaultPort) {
        if (raw == null) {
            return "";
        }
        String a = raw;
        boolean clean = true;
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c <= ' ') {
                clean = false;
                break;
            }
        }
        if (!clean) {
            a = a.trim().toLowerCase(Locale.ROOT);
        }
        if (a.isEmpty()) {
            return "";
        }
        if (!hasPort(a)) {
            a = a + ':' + defaultPort;
        }
        return a;
    }

    public static boolean hasPort(String a) {
        int close = a.lastIndexOf(']');
        int colon = a.lastIndexOf(':');
        return colon > close && colon < a.length() - 1;
    }

    /** Host part of a normalised authority (brackets removed for IPv6). */
    public static String host(String a) {
        int colon = a.lastIndexOf(':');
        String h = a.substring(0, colon);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** Port part of a normalised authority, -1 if invalid. */
    public static int port(String a) {
        try {
            int p = Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
            return p > 0 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
