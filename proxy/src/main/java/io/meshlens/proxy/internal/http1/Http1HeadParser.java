package io.meshlens.proxy.internal.http1;

import io.meshlens.proxy.trace.TraceContext;
import io.netty.buffer.ByteBuf;

/**
 * Parses one HTTP/1 request or response head in place, incrementally, without copying: it
 * records the offsets of the start line and of every header line (relative to the buffer's
 * reader index, where the head starts) and reads only the headers the proxy acts on (framing,
 * connection management, {@code Host}). One parser per connection and direction, reused for
 * every message with {@link #reset()}.
 *
 * <p>Limits and errors are those of Netty's {@code HttpObjectDecoder}: a
 * start line longer than {@code maxLineLength} (CRLF excluded) is 414, header lines adding up to
 * more than {@code maxHeaderSize} bytes are 431, anything malformed is 400. Lines may end in CRLF
 * or a bare LF. Stricter than Netty where request smuggling hides: whitespace before a header's
 * colon, obsolete line folding, conflicting {@code Content-Length} values, a request
 * {@code Transfer-Encoding} that does not end in {@code chunked} and a request with both
 * {@code Content-Length} and {@code Transfer-Encoding} are all 400.
 */
final class Http1HeadParser {
    /** Header kinds the proxy acts on; everything else is {@link #OTHER} and passes through. */
    static final int OTHER = 0, HOST = 1, CONNECTION = 2, KEEP_ALIVE = 3, CONTENT_LENGTH = 4, TRANSFER_ENCODING = 5,
            UPGRADE = 6, PROXY_CONNECTION = 7, PROXY_AUTHORIZATION = 8, EXPECT = 9, TE = 10,
            TRACEPARENT = 11, B3 = 12, X_B3_TRACE_ID = 13;

    private final boolean request;
    private final int maxLineLength;
    private final int maxHeaderSize;

    // incremental state, offsets relative to the head's first byte
    private byte[] a = new byte[512];
    private int copied;
    private boolean started;
    private int lineStart;
    private int headerBytes;
    private boolean startLineDone;

    // start line
    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    private int version; // 10 or 11
    private int status;

    // header lines: name [start, end), value [start, end) (trimmed), kind, dropped on forwarding
    private int count;
    private int[] nameStart = new int[16];
    private int[] nameEnd = new int[16];
    private int[] valueStart = new int[16];
    private int[] valueEnd = new int[16];
    private int[] kind = new int[16];
    private boolean[] drop = new boolean[16];

    // what the proxy needs to know
    private long contentLength;
    private boolean chunked;
    private boolean transferEncoding;
    private boolean close;
    private boolean keepAlive;
    private int host;
    // the trace context headers (-1: absent), read into a trace id only when present
    private int traceparent;
    private int b3;
    private int xB3TraceId;
    private boolean customConnectionTokens;
    private boolean hopByHop;
    private boolean expectContinue;
    private int headLength;
    private int blankLine;

    Http1HeadParser(boolean request, int maxLineLength, int maxHeaderSize) {
        this.request = request;
        this.maxLineLength = maxLineLength;
        this.maxHeaderSize = maxHeaderSize;
        reset();
    }

    /** Forgets the last head; the next {@link #parse} starts a new one at the reader index. */
    void reset() {
        started = false;
        copied = 0;
        lineStart = 0;
        headerBytes = 0;
        startLineDone = false;
        count = 0;
        contentLength = -1;
        chunked = false;
        transferEncoding = false;
        close = false;
        keepAlive = false;
        host = -1;
        traceparent = -1;
        b3 = -1;
        xB3TraceId = -1;
        customConnectionTokens = false;
        hopByHop = false;
        expectContinue = false;
        headLength = -1;
        status = 0;
    }

    /** True once a byte of the current head was seen ("head started", for the header-read timeout). */
    boolean started() {
        return started;
    }

    /**
     * Continues parsing the head that starts at {@code buf}'s reader index (which must stay the
     * same between calls for one head; the buffer may be re-allocated). Consumes nothing but
     * empty lines before a request line (RFC 9112 2.2).
     *
     * @return the head's length in bytes (through the blank line) once complete, else -1
     */
    int parse(ByteBuf buf) throws Http1ParseException {
        int readable = buf.readableBytes();
        if (readable > 0) {
            started = true;
        }
        // The head's bytes are copied once into a per-connection array, a piece at a time (not the
        // body behind it), and parsed there: plain array reads are several times cheaper than
        // ByteBuf.getByte's index and liveness checks.
        int limit = (int) Math.min(readable, maxLineLength + 2L * maxHeaderSize + 64); // a line costs at most 2 bytes of CRLF per 2 of header
        while (true) {
            int end = lineStart;
            while (true) {
                byte[] a = this.a;
                int c = copied;
                while (end < c && a[end] != '\n') {
                    end++;
                }
                if (end < c) {
                    break;
                }
                if (c >= limit) {
                    checkPartialLine(limit - lineStart);
                    return -1;
                }
                copyMore(buf, limit);
            }
            byte[] a = this.a;
            int lineEnd = end > lineStart && a[end - 1] == '\r' ? end - 1 : end;
            int len = lineEnd - lineStart;
            if (!startLineDone) {
                if (len == 0 && lineStart == 0 && request) {
                    // RFC 9112 2.2: ignore at least one empty line before a request line
                    buf.skipBytes(end + 1);
                    System.arraycopy(a, end + 1, a, 0, copied - end - 1);
                    copied -= end + 1;
                    limit -= end + 1;
                    continue;
                }
                if (len > maxLineLength) {
                    throw new Http1ParseException(request ? 414 : 400, "An HTTP line is larger than " + maxLineLength + " bytes.");
                }
                if (request) {
                    requestLine(a, lineStart, lineEnd);
                } else {
                    statusLine(a, lineStart, lineEnd);
                }
                startLineDone = true;
            } else if (len == 0) {
                headLength = end + 1;
                blankLine = lineStart;
                finish(a);
                return headLength;
            } else {
                headerBytes += len;
                if (headerBytes > maxHeaderSize) {
                    throw tooLargeHeader();
                }
                headerLine(a, lineStart, lineEnd);
            }
            lineStart = end + 1;
        }
    }

    private void copyMore(ByteBuf buf, int limit) {
        int n = Math.min(limit - copied, 1024);
        if (copied + n > a.length) {
            a = java.util.Arrays.copyOf(a, Math.max(copied + n, a.length * 2));
        }
        buf.getBytes(buf.readerIndex() + copied, a, copied, n);
        copied += n;
    }

    private void checkPartialLine(int partial) throws Http1ParseException {
        if (!startLineDone) {
            if (partial > maxLineLength + 1) {
                throw new Http1ParseException(request ? 414 : 400, "An HTTP line is larger than " + maxLineLength + " bytes.");
            }
        } else if (headerBytes + partial > maxHeaderSize + 1) {
            throw tooLargeHeader();
        }
    }

    private Http1ParseException tooLargeHeader() {
        return new Http1ParseException(431, "HTTP header is larger than " + maxHeaderSize + " bytes.");
    }

    private void requestLine(byte[] a, int start, int end) throws Http1ParseException {
        int i = start;
        while (i < end && Ascii.isTokenChar(a[i])) {
            i++;
        }
        if (i == start || i >= end || a[i] != ' ') {
            throw bad("invalid request method");
        }
        methodEnd = i;
        targetStart = i + 1;
        int sp = targetStart;
        while (sp < end) {
            byte b = a[sp];
            if (b == ' ') {
                break;
            }
            if (b <= ' ' || b == 0x7f) {
                throw bad("invalid character in request target");
            }
            sp++;
        }
        if (sp == targetStart || sp >= end) {
            throw bad("invalid request line");
        }
        targetEnd = sp;
        version = parseVersion(a, sp + 1, end);
        if (version < 0) {
            throw bad("invalid HTTP version");
        }
    }

    private void statusLine(byte[] a, int start, int end) throws Http1ParseException {
        int v = start + 8 <= end ? parseVersion(a, start, start + 8) : -1;
        if (v < 0) {
            throw bad("invalid HTTP version in status line");
        }
        if (start + 12 > end || a[start + 8] != ' ') {
            throw bad("invalid status line");
        }
        int code = 0;
        for (int i = start + 9; i < start + 12; i++) {
            byte b = a[i];
            if (b < '0' || b > '9') {
                throw bad("invalid status code");
            }
            code = code * 10 + (b - '0');
        }
        if (code < 100 || (start + 12 < end && a[start + 12] != ' ')) {
            throw bad("invalid status code");
        }
        version = v;
        status = code;
    }

    /** 10 or 11 for exactly "HTTP/1.0" / "HTTP/1.1" in [start, end), else -1. */
    private static int parseVersion(byte[] a, int start, int end) {
        if (end - start != 8 || a[start] != 'H' || a[start + 1] != 'T'
            || a[start + 2] != 'T' || a[start + 3] != 'P'
            || a[start + 4] != '/' || a[start + 5] != '1'
            || a[start + 6] != '.') {
            return -1;
        }
        byte minor = a[start + 7];
        return minor == '1' ? 11 : minor == '0' ? 10 : -1;
    }

    private void headerLine(byte[] a, int start, int end) throws Http1ParseException {
        int i = start;
        while (i < end && Ascii.isTokenChar(a[i])) {
            i++;
        }
        if (i == start || i >= end || a[i] != ':') {
            throw bad(i == start && (a[i] == ' ' || a[i] == '\t')
                    ? "obsolete line folding is not accepted" : "invalid header line");
        }
        int nEnd = i;
        int vs = trimStart(a, i + 1, end);
        int ve = trimEnd(a, vs, end);
        if (count == kind.length) {
            grow();
        }
        int k = kindOf(a, start, nEnd);
        nameStart[count] = start;
        nameEnd[count] = nEnd;
        valueStart[count] = vs;
        valueEnd[count] = ve;
        kind[count] = k;
        drop[count] = false;
        switch (k) {
            case HOST:
                if (host >= 0 && request) {
                    throw bad("more than one Host header");
                }
                host = count;
                break;
            case CONTENT_LENGTH:
                long n = parseLength(a, vs, ve);
                if (contentLength >= 0 && contentLength != n) {
                    throw bad("conflicting Content-Length values");
                }
                contentLength = n;
                break;
            case TRANSFER_ENCODING:
                transferEncoding = true;
                chunked = Ascii.endsWithToken(a, vs, ve, CHUNKED);
                break;
            case CONNECTION:
                connectionTokens(a, vs, ve);
                drop[count] = true;
                hopByHop = true;
                break;
            case KEEP_ALIVE: case UPGRADE: case PROXY_CONNECTION: case PROXY_AUTHORIZATION:
                drop[count] = true;
                hopByHop = true;
                break;
            case EXPECT:
                expectContinue = Ascii.equalsIgnoreCase(a, vs, ve, CONTINUE);
                break;
            case TRACEPARENT:
                traceparent = count;
                break;
            case B3:
                b3 = count;
                break;
            case X_B3_TRACE_ID:
                xB3TraceId = count;
                break;
            default:
                break;
        }
        count++;
    }

    private void finish(byte[] a) throws Http1ParseException {
        if (transferEncoding && !chunked && request) {
            throw bad("unsupported Transfer-Encoding (the last coding must be chunked)");
        }
        if (transferEncoding && contentLength >= 0 && request) {
            // RFC 9112 6.1: a request framed both ways is refused rather than served, so that no
            // hop before or after the proxy can read its end differently (request smuggling)
            throw bad("Content-Length together with Transfer-Encoding");
        }
        if (transferEncoding && contentLength >= 0) {
            // RFC 9112 6.3: Transfer-Encoding overrides Content-Length; the latter must not go on
            for (int i = 0; i < count; i++) {
                if (kind[i] == CONTENT_LENGTH) {
                    drop[i] = true;
                }
            }
            contentLength = -1;
            hopByHop = true;
        }
        if (customConnectionTokens) {
            markConnectionNominated(a);
        }
    }

    /** Drops the headers named by {@code Connection} (RFC 9110 7.6.1). */
    private void markConnectionNominated(byte[] a) {
        for (int c = 0; c < count; c++) {
            if (kind[c] != CONNECTION) {
                continue;
            }
            int s = valueStart[c];
            int e = valueEnd[c];
            while (s < e) {
                int comma = comma(a, s, e);
                int ts = trimStart(a, s, comma);
                int te = trimEnd(a, ts, comma);
                for (int h = 0; h < count; h++) {
                    if (!drop[h] && nameEnd[h] - nameStart[h] == te - ts
                        && Ascii.regionEqualsIgnoreCase(a, nameStart[h], ts, te - ts)) {
                        drop[h] = true;
                    }
                }
                s = comma + 1;
            }
        }
    }

    /** The first comma of a[s..e), or e: where a list element ends. */
    private static int comma(byte[] a, int s, int e) {
        while (s < e && a[s] != ',') {
            s++;
        }
        return s;
    }

    /** The first non-whitespace position of a[s..e), or e. */
    private static int trimStart(byte[] a, int s, int e) {
        while (s < e && Ascii.isWhitespace(a[s])) {
            s++;
        }
        return s;
    }

    /** The end of a[s..e) without its trailing whitespace. */
    private static int trimEnd(byte[] a, int s, int e) {
        while (e > s && Ascii.isWhitespace(a[e - 1])) {
            e--;
        }
        return e;
    }

    private void connectionTokens(byte[] a, int s, int e) {
        while (s < e) {
            int comma = comma(a, s, e);
            int ts = trimStart(a, s, comma);
            int te = trimEnd(a, ts, comma);
            if (Ascii.equalsIgnoreCase(a, ts, te, CLOSE)) {
                close = true;
            } else if (Ascii.equalsIgnoreCase(a, ts, te, KEEP_ALIVE_TOKEN)) {
                keepAlive = true;
            } else if (te > ts) {
                customConnectionTokens = true;
            }
            s = comma + 1;
        }
    }

    private long parseLength(byte[] a, int s, int e) throws Http1ParseException {
        if (s == e || e - s > 18) {
            throw bad("invalid Content-Length");
        }
        long n = 0;
        for (int i = s; i < e; i++) {
            byte b = a[i];
            if (b < '0' || b > '9') {
                throw bad("invalid Content-Length");
            }
            n = n * 10 + (b - '0');
        }
        return n;
    }

    private void grow() {
        int n = kind.length * 2;
        nameStart = java.util.Arrays.copyOf(nameStart, n);
        nameEnd = java.util.Arrays.copyOf(nameEnd, n);
        valueStart = java.util.Arrays.copyOf(valueStart, n);
        valueEnd = java.util.Arrays.copyOf(valueEnd, n);
        kind = java.util.Arrays.copyOf(kind, n);
        drop = java.util.Arrays.copyOf(drop, n);
    }

    private Http1ParseException bad(String what) {
        return new Http1ParseException(400, (request ? "malformed request head: " : "malformed response head: ") + what);
    }

    // ---------------------------------------------------------------- results (valid once parse returned >= 0)

    int version() { return version; }
    /** Response status code. */
    int status() { return status; }
    int methodLength() { return methodEnd; }
    int targetStart() { return targetStart; }
    int targetEnd() { return targetEnd; }
    /** Body length from Content-Length, -1 when absent (or overridden by Transfer-Encoding). */
    long contentLength() { return contentLength; }
    boolean chunked() { return chunked; }
    boolean transferEncoding() { return transferEncoding; }
    boolean expectContinue() { return expectContinue; }
    /** Index of the Host header line, -1 if none. */
    int hostIndex() { return host; }

    /**
     * The request's trace id from {@code traceparent}, else {@code b3}, else {@code x-b3-traceid}
     * of the head at {@code buf}'s reader index; null without a valid one. Allocates only when
     * such a header is present.
     */
    String traceId(ByteBuf buf) {
        String id = null;
        if (traceparent >= 0) {
            id = TraceContext.fromTraceparent(value(buf, traceparent));
        }
        if (id == null && b3 >= 0) {
            id = TraceContext.fromB3(value(buf, b3));
        }
        if (id == null && xB3TraceId >= 0) {
            id = TraceContext.fromB3TraceId(value(buf, xB3TraceId));
        }
        return id;
    }

    private String value(ByteBuf buf, int header) {
        return buf.toString(buf.readerIndex() + valueStart[header], valueEnd[header] - valueStart[header],
                java.nio.charset.StandardCharsets.US_ASCII);
    }
    /** True when the head has hop-by-hop headers (or a Content-Length to drop): it must be rewritten. */
    boolean hasDroppedHeaders() { return hopByHop; }
    int headerCount() { return count; }
    int nameStart(int i) { return nameStart[i]; }
    int nameEnd(int i) { return nameEnd[i]; }
    int kind(int i) { return kind[i]; }
    int valueStart(int i) { return valueStart[i]; }
    int valueEnd(int i) { return valueEnd[i]; }
    boolean dropped(int i) { return drop[i]; }

    /** Keep-alive per RFC 9112 9.3: HTTP/1.1 unless "close", HTTP/1.0 only with "keep-alive". */
    boolean keepAlive() {
        return version == 11 ? !close : keepAlive && !close;
    }

    /** Start of the blank line that ends the head (relative). */
    int blankLine() { return blankLine; }

    // ---------------------------------------------------------------- header names

    private static final byte[] CHUNKED = Ascii.bytes("chunked");
    private static final byte[] CLOSE = Ascii.bytes("close");
    private static final byte[] KEEP_ALIVE_TOKEN = Ascii.bytes("keep-alive");
    private static final byte[] CONTINUE = Ascii.bytes("100-continue");
    private static final byte[][] NAMES = {
        null, Ascii.bytes("host"), Ascii.bytes("connection"), Ascii.bytes("keep-alive"), Ascii.bytes("content-length"), Ascii.bytes("transfer-encoding"),
        Ascii.bytes("upgrade"), Ascii.bytes("proxy-connection"), Ascii.bytes("proxy-authorization"), Ascii.bytes("expect"), Ascii.bytes("te"),
        Ascii.bytes("traceparent"), Ascii.bytes("b3"), Ascii.bytes("x-b3-traceid"),
    };

    private static int kindOf(byte[] a, int s, int e) {
        int len = e - s;
        int first = a[s] | 0x20;
        int candidate;
        switch (len) {
            case 2: candidate = first == 'b' ? B3 : TE; break;
            case 4: candidate = HOST; break;
            case 6: candidate = EXPECT; break;
            case 7: candidate = UPGRADE; break;
            case 10: candidate = first == 'c' ? CONNECTION : KEEP_ALIVE; break;
            case 11: candidate = TRACEPARENT; break;
            case 12: candidate = X_B3_TRACE_ID; break;
            case 14: candidate = CONTENT_LENGTH; break;
            case 16: candidate = PROXY_CONNECTION; break;
            case 17: candidate = TRANSFER_ENCODING; break;
            case 19: candidate = PROXY_AUTHORIZATION; break;
            default: return OTHER;
        }
        return Ascii.equalsIgnoreCase(a, s, e, NAMES[candidate]) ? candidate : OTHER;
    }
}
