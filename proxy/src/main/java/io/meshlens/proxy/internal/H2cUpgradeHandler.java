package io.meshlens.proxy.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;

/**
 * Accepts {@code Upgrade: h2c} on HTTP/1.1 connections, which is how the JDK HttpClient (and
 * {@code curl --http2}) reach HTTP/2 over cleartext. Only requests without a body are upgraded:
 * Netty must aggregate the upgrade request, and the proxy never buffers bodies, so a request with
 * a body simply stays on HTTP/1.1 (RFC 9110 lets a server ignore {@code Upgrade}).
 */
final class H2cUpgradeHandler extends HttpServerUpgradeHandler {
    static final AsciiString H2C = AsciiString.cached("h2c");

    private final ProxyContext proxy;

    H2cUpgradeHandler(HttpServerCodec codec, UpgradeCodecFactory factory, ProxyContext proxy) {
        super(codec, factory, 0);
        this.proxy = proxy;
    }

    @Override
    protected boolean shouldHandleUpgradeRequest(HttpRequest req) {
        if (proxy.draining || !offersH2c(req.headers().get(HttpHeaderNames.UPGRADE))) {
            return false;
        }
        return !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, 0L) == 0L;
    }

    private static boolean offersH2c(String upgrade) {
        if (upgrade == null) {
            return false;
        }
        for (String token : upgrade.split(",")) {
            if (H2C.contentEqualsIgnoreCase(token.trim())) {
                return true;
            }
        }
        return false;
    }
}
