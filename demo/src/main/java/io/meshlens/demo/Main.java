package io.meshlens.demo;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The entry point of the {@code ghcr.io/meshlens/demo} image: the first argument picks the role
 * ({@code web}, {@code emoji}, {@code voting} or {@code vote-bot}), the environment the addresses,
 * as the demo overlay's manifests set them:
 * <pre>
 *   LISTEN=0.0.0.0:8080                                      web, emoji, voting
 *   EMOJI_ADDR=emoji-svc:8080 VOTING_ADDR=voting-svc:8080    web
 *   WEB_ADDR=web-svc:80 RATE=20                              vote-bot (RATE: requests per second)
 * </pre>
 * Runs until the JVM is stopped (SIGTERM closes the role through a shutdown hook).
 */
public final class Main {
    static final String ROLES = "web, emoji, voting, vote-bot";

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("meshlens-demo: expected one argument, the role (one of: " + ROLES + "), got "
                    + args.length + "; for example: meshlens-demo web");
            System.exit(2);
        }
        Map<String, String> env = System.getenv();
        AutoCloseable role;
        String what;
        switch (args[0]) {
            case "web" -> {
                WebApp web = WebApp.start(DemoAddresses.listen(env), DemoAddresses.upstream(env, "EMOJI_ADDR"),
                        DemoAddresses.upstream(env, "VOTING_ADDR"));
                role = web;
                what = "listening on " + web.address();
            }
            case "emoji", "voting" -> {
                InetSocketAddress listen = DemoAddresses.listen(env);
                GrpcApp app = args[0].equals("emoji") ? GrpcApp.emoji(listen) : GrpcApp.voting(listen);
                role = app;
                what = "listening on " + app.address();
            }
            case "vote-bot" -> {
                Upstream web = DemoAddresses.upstream(env, "WEB_ADDR");
                double rate = DemoAddresses.rate(env);
                role = VoteBot.start(web, rate);
                what = "voting at " + rate + " req/s on " + web.authority();
            }
            default -> {
                System.err.println("meshlens-demo: unknown role '" + args[0] + "' (expected one of: " + ROLES + ")");
                System.exit(2);
                return;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                role.close();
            } catch (Exception e) {
                System.err.println("meshlens-demo: closing " + args[0] + ": " + e);
            }
            stopped.countDown();
        }, "shutdown"));
        System.out.println("meshlens-demo " + args[0] + " " + what);
        System.out.flush();
        stopped.await();
    }
}
