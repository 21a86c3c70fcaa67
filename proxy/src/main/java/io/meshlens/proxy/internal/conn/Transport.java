package io.meshlens.proxy.internal.conn;

import java.util.concurrent.Executor;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.RejectedExecutionHandlers;

/** Epoll when the native library loads (Linux), NIO otherwise. */
public final class Transport {
    public static final boolean EPOLL = Epoll.isAvailable();

    /**
     * How long an event loop runs queued tasks before it polls I/O again (Netty checks every 64
     * tasks). Netty's default is a second, and tasks come in bursts that every connection of the
     * loop would wait behind: a thousand header-read deadlines expiring together (each writes a
     * 408 and closes), a body relayed to a fast reader (each next read is a task). Going back to
     * I/O after a millisecond keeps the other connections served between the tasks of such a burst.
     */
    static final long TASK_QUANTUM_MS = 1;

    private Transport() {}

    public static EventLoopGroup group(int threads, String name) {
        IoHandlerFactory f = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new QuantumGroup(threads, new DefaultThreadFactory(name, true), f);
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends Channel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static String name() {
        return EPOLL ? "epoll" : "nio";
    }

    /** Event loops that give I/O its turn after {@link #TASK_QUANTUM_MS} of queued tasks. */
    private static final class QuantumGroup extends MultiThreadIoEventLoopGroup {
        QuantumGroup(int threads, DefaultThreadFactory threadFactory, IoHandlerFactory ioHandlerFactory) {
            super(threads, threadFactory, ioHandlerFactory);
        }

        @Override
        protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
            return new SingleThreadIoEventLoop(this, executor, ioHandlerFactory, Integer.MAX_VALUE,
                    RejectedExecutionHandlers.reject(), TASK_QUANTUM_MS);
        }
    }
}
