package io.meshlens.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Accumulating what arrives in pieces (a head split across reads). */
final class Bytes {
    private Bytes() {}

    /**
     * Appends {@code more} to {@code cum}. A new buffer every time, never growing {@code cum} in
     * place: slices of {@code cum} may still be queued for writing.
     */
    static ByteBuf append(ByteBufAllocator alloc, ByteBuf cum, ByteBuf more) {
        if (cum == null) {
            return more;
        }
        ByteBuf merged = alloc.buffer(cum.readableBytes() + more.readableBytes());
        merged.writeBytes(cum).writeBytes(more);
        cum.release();
        more.release();
        return merged;
    }
}
