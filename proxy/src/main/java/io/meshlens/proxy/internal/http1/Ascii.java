package io.meshlens.proxy.internal.http1;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/** ASCII byte comparisons for HTTP/1 heads, case-insensitive where HTTP says so; no allocation. */
final class Ascii {
    private Ascii() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** [base + s, base + e) of {@code buf} equals the lower-case ASCII {@code lower}, ignoring case. */
    static boolean equalsIgnoreCase(ByteBuf buf, int base, int s, int e, byte[] lower) {
        if (e - s != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            int b = buf.getByte(base + s + i);
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /** [s, e) of {@code a} equals the lower-case ASCII {@code lower}, ignoring case. */
    static boolean equalsIgnoreCase(byte[] a, int s, int e, byte[] lower) {
        if (e - s != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            int b = a[s + i];
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean endsWithToken(byte[] a, int s, int e, byte[] lower) {
        int comma = e;
        while (comma > s && a[comma - 1] != ',') {
            comma--;
        }
        int ts = comma;
        while (ts < e && isWhitespace(a[ts])) {
            ts++;
        }
        return equalsIgnoreCase(a, ts, e, lower);
    }

    static boolean regionEqualsIgnoreCase(byte[] arr, int a, int b, int len) {
        for (int i = 0; i < len; i++) {
            int x = arr[a + i];
            int y = arr[b + i];
            if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z')) {
                return false;
            }
        }
        return true;
    }

    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = 0; c < 128; c++) {
            TCHAR[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    /** RFC 9110 tchar. */
    static boolean isTokenChar(byte b) {
        return TCHAR[b & 0xff];
    }
}
