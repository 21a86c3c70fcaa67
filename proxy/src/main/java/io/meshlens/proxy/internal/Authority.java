package io.meshlens.proxy.internal;

import java.util.Locale;

/** Normalises request authorities to lower-case {@code host:port}, allocating only when needed. */
final class Authority {
    private Authority() {}

    /** Returns {@code host:port} in lower case, adding {@code defaultPort}; "" for null/blank. */
    static String normalize(String raw, int defaultPort) {
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

    static boolean hasPort(String a) {
        int close = a.lastIndexOf(']');
        int colon = a.lastIndexOf(':');
        return colon > close && colon < a.length() - 1;
    }

    /** Host part of a normalised authority (brackets removed for IPv6). */
    static String host(String a) {
        int colon = a.lastIndexOf(':');
        String h = a.substring(0, colon);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** Port part of a normalised authority, -1 if invalid. */
    static int port(String a) {
        try {
            int p = Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
            return p > 0 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Authority of an absolute-form URI ({@code http://host:port/path}), or null. */
    static String fromAbsoluteUri(String uri) {
        if (!uri.regionMatches(true, 0, "http://", 0, 7)) {
            return null;
        }
        int end = 7;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        int at = uri.lastIndexOf('@', end);
        return uri.substring(Math.max(7, at + 1), end);
    }

    /** Origin-form of an absolute-form URI. */
    static String originForm(String uri) {
        int slash = uri.indexOf('/', 7);
        if (slash < 0) {
            int q = uri.indexOf('?', 7);
            return q < 0 ? "/" : "/" + uri.substring(q);
        }
        return uri.substring(slash);
    }
}
