package io.meshlens.proxy.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class Http1RequestTargetTest {
    private final Http1HeadParser parser = new Http1HeadParser(true, 4096, 8192);
    private final Http1RequestTarget target = new Http1RequestTarget();

    /** The head as it goes upstream. */
    private String read(String head) throws Exception {
        ByteBuf b = Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII);
        try {
            int n = parser.parse(b);
            assertThat(n).isEqualTo(head.length());
            target.read(b, parser);
            ByteBuf out = Http1HeadWriter.request(Unpooled.buffer().alloc(), b, parser, n, target, () -> "127.0.0.1:4143");
            try {
                return out.toString(StandardCharsets.US_ASCII);
            } finally {
                out.release();
                parser.reset();
            }
        } finally {
            b.release();
        }
    }

    @Test
    void absoluteFormBecomesOriginFormWithItsAuthority() throws Exception {
        assertThat(read("GET http://user@web:81/a?b HTTP/1.1\r\n\r\n"))
                .isEqualTo("GET /a?b HTTP/1.1\r\nHost: web:81\r\n\r\n");
        assertThat(target.authority).isEqualTo("web:81");
        assertThat(read("GET http://web:81 HTTP/1.1\r\nHost: web:81\r\n\r\n"))
                .isEqualTo("GET / HTTP/1.1\r\nHost: web:81\r\n\r\n");
        assertThat(read("GET /a HTTP/1.1\r\nHost: Web\r\n\r\n")).isEqualTo("GET /a HTTP/1.1\r\nHost: Web\r\n\r\n");
        assertThat(target.authority).isEqualTo("web:80");
        assertThat(target.originStart).isEqualTo(-1);
    }
}
