package io.meshlens.proxy.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;

class TransportTest {
    private static final int BURST = 10_000;
    /** The task of the burst that sends the byte. */
    private static final int SENDER = 100;

    /**
     * A burst of queued tasks (a thousand deadlines expiring together, a chain of reads) must not
     * keep the loop's connections waiting until it ends: bytes that arrive during the burst are
     * read within the next quantum's worth of tasks (Netty checks the clock every 64 tasks). With
     * Netty's default quantum of a second they would be read after all 10,000 tasks (0.5 s).
     * Counted in tasks, not time: the byte is sent by a task of the burst itself.
     */
    @Test
    void theLoopReadsItsConnectionsBetweenTheTasksOfABurst() throws Exception {
        EventLoopGroup group = Transport.group(1, "transport-test");
        AtomicInteger done = new AtomicInteger();
        AtomicInteger doneAtRead = new AtomicInteger(-1);
        CountDownLatch accepted = new CountDownLatch(1);
        try {
            Channel server = new ServerBootstrap().group(group).channel(Transport.serverChannel())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted.countDown();
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                            doneAtRead.compareAndSet(-1, done.get());
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(),
                    ((InetSocketAddress) server.localAddress()).getPort())) {
                assertThat(accepted.await(30, TimeUnit.SECONDS)).isTrue();
                EventLoop loop = group.next();
                loop.execute(() -> {
                    for (int i = 0; i < BURST; i++) {
                        int task = i;
                        loop.execute(() -> {
                            if (task == SENDER) {
                                send(client);
                            }
                            spin(50_000);
                            done.incrementAndGet();
                        });
                    }
                });

                await().atMost(Duration.ofSeconds(60)).until(() -> doneAtRead.get() >= 0);
                assertThat(doneAtRead.get() - SENDER)
                        .as("tasks run between the byte's arrival and its read")
                        .isBetween(0, 2 * 64);
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await();
        }
    }

    private static void send(Socket client) {
        try {
            client.getOutputStream().write(1); // lands in the accepted connection's receive buffer at once
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cost of one task of the burst (a 408 written and a connection closed is of this order). */
    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
