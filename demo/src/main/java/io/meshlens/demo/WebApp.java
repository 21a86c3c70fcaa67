package io.meshlens.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.meshlens.demo.emoji.EmojiServiceGrpc;
import io.meshlens.demo.emoji.FindByShortcodeRequest;
import io.meshlens.demo.emoji.ListAllRequest;
import io.meshlens.demo.voting.VoteRequest;
import io.meshlens.demo.voting.VoteResponse;
import io.meshlens.demo.voting.VotingServiceGrpc;

/**
 * The {@code web} frontend: HTTP/1.1 JSON. {@code GET /api/list} lists the ballot (emoji gRPC),
 * {@code GET /api/vote?choice=:x:} looks the choice up (emoji) and votes (voting). A failed vote
 * is a 500 with the gRPC status in the body, as the web tier of a real app would answer.
 */
public final class WebApp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService workers = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "web");
        t.setDaemon(true);
        return t;
    });
    private final ManagedChannel emoji;
    private final ManagedChannel voting;

    private WebApp(HttpServer server, ManagedChannel emoji, ManagedChannel voting) {
        this.server = server;
        this.emoji = emoji;
        this.voting = voting;
    }

    public static WebApp start(InetSocketAddress listen, Upstream emoji, Upstream voting) {
        HttpServer s;
        try {
            s = HttpServer.create(listen, 256);
        } catch (IOException e) {
            throw new UncheckedIOException("web: cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        WebApp app = new WebApp(s, channel(emoji), channel(voting));
        s.setExecutor(app.workers);
        s.createContext("/api/list", app::list);
        s.createContext("/api/vote", app::vote);
        s.createContext("/", x -> app.reply(x, 200, JSON.createObjectNode().put("app", "meshlens voting demo")));
        s.start();
        return app;
    }

    private static ManagedChannel channel(Upstream u) {
        return NettyChannelBuilder.forAddress(u.connect()).overrideAuthority(u.authority()).usePlaintext().build();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Calls made for this request continue its trace (the caller's {@code traceparent}). */
    private static ClientInterceptor traced(HttpExchange x) {
        return MetadataUtils.newAttachHeadersInterceptor(
                TraceParent.metadata(TraceParent.child(x.getRequestHeaders().getFirst(TraceParent.HEADER))));
    }

    private void list(HttpExchange x) throws IOException {
        try {
            var rsp = EmojiServiceGrpc.newBlockingStub(emoji).withInterceptors(traced(x)).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .listAll(ListAllRequest.getDefaultInstance());
            ArrayNode out = JSON.createArrayNode();
            rsp.getListList().forEach(e -> out.addObject().put("shortcode", e.getShortcode()).put("unicode", e.getUnicode()));
            reply(x, 200, out);
        } catch (StatusRuntimeException e) {
            reply(x, 500, error(e));
        }
    }

    private void vote(HttpExchange x) throws IOException {
        String choice = query(x, "choice");
        ClientInterceptor trace = traced(x);
        try {
            var found = EmojiServiceGrpc.newBlockingStub(emoji).withInterceptors(trace).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .findByShortcode(FindByShortcodeRequest.newBuilder().setShortcode(choice).build());
            var e = Emojis.find(found.getEmoji().getShortcode()).orElseThrow();
            ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(voting, trace), voteMethod(e.voteMethod()),
                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), VoteRequest.getDefaultInstance());
            reply(x, 200, JSON.createObjectNode().put("voted", choice));
        } catch (StatusRuntimeException e) {
            int status = e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND ? 404 : 500;
            reply(x, status, error(e));
        }
    }

    @SuppressWarnings("unchecked")
    private static MethodDescriptor<VoteRequest, VoteResponse> voteMethod(String name) {
        return (MethodDescriptor<VoteRequest, VoteResponse>) VotingServiceGrpc.getServiceDescriptor().getMethods().stream()
                .filter(d -> name.equals(d.getBareMethodName())).findFirst().orElseThrow();
    }

    private static ObjectNode error(StatusRuntimeException e) {
        return JSON.createObjectNode().put("error", String.valueOf(e.getStatus().getDescription()))
                .put("grpc_status", e.getStatus().getCode().name());
    }

    private static String query(HttpExchange x, String name) {
        String q = x.getRequestURI().getRawQuery();
        if (q != null) {
            for (String kv : q.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0 && kv.substring(0, eq).equals(name)) {
                    return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        }
        return "";
    }

    private void reply(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        emoji.shutdownNow();
        voting.shutdownNow();
    }
}
