package io.meshlens.cli.dashboard;

import java.util.Locale;

/**
 * Which browser requests the dashboard answers. It listens on loopback only, so the remaining
 * threats are other web pages in the same browser: a page of another origin that calls the
 * dashboard (refused by {@code Origin} and {@code Sec-Fetch-Site}; no CORS header is ever sent, so
 * it could not read an answer either), and DNS rebinding, where a hostile name resolves to
 * 127.0.0.1 and its page becomes "same origin" (refused because {@code Host} must be a loopback
 * IP literal or {@code localhost} with the dashboard's own port).
 */
public final class RequestGuard {
    private final int port;

    public RequestGuard(int port) {
        this.port = port;
    }

    /** Null when the request may be answered, otherwise why not. */
    public String refusal(String host, String origin, String fetchSite) {
        if (host == null || !loopbackHost(host)) {
            return "Host: '" + host + "' (expected: localhost:" + port + " or a loopback address with port " + port
                    + "; open the URL the dashboard printed)";
        }
        if (origin != null && !origin.equalsIgnoreCase("http://" + host)) {
            return "Origin: '" + origin + "' (expected: http://" + host + "; the dashboard answers its own pages only)";
        }
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return "Sec-Fetch-Site: '" + fetchSite + "' (expected: same-origin; the dashboard answers its own pages only)";
        }
        return null;
    }

    private boolean loopbackHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon < 0 || !h.substring(colon + 1).equals(String.valueOf(port))) {
            return false;
        }
        String name = h.substring(0, colon);
        return name.equals("localhost") || name.equals("[::1]") || isLoopbackV4(name);
    }

    private static boolean isLoopbackV4(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
