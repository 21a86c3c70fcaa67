package io.meshlens.demo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.meshlens.demo.voting.ResultsRequest;
import io.meshlens.demo.voting.ResultsResponse;
import io.meshlens.demo.voting.VoteRequest;
import io.meshlens.demo.voting.VoteResponse;
import io.meshlens.demo.voting.VotingResult;
import io.meshlens.demo.voting.VotingServiceGrpc;

/**
 * The voting service. Every {@code Vote*} RPC counts a vote for its choice, except that
 * {@link Emojis#FAILING} always fails with {@code UNKNOWN} and {@link Emojis#SLOW} answers after
 * {@link #SLOW_MILLIS} (without holding a thread). Built from the service descriptor so that the
 * ten vote methods share one handler.
 */
final class VotingServiceImpl {
    static final long SLOW_MILLIS = 150;

    private final ScheduledExecutorService timer;
    private final Map<String, AtomicLong> votes = new ConcurrentHashMap<>();

    VotingServiceImpl(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    @SuppressWarnings("unchecked")
    ServerServiceDefinition definition() {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(VotingServiceGrpc.getServiceDescriptor());
        for (Emojis.Emoji e : Emojis.ALL) {
            MethodDescriptor<VoteRequest, VoteResponse> m = (MethodDescriptor<VoteRequest, VoteResponse>)
                    VotingServiceGrpc.getServiceDescriptor().getMethods().stream()
                            .filter(d -> e.voteMethod().equals(d.getBareMethodName())).findFirst().orElseThrow();
            b.addMethod(m, ServerCalls.asyncUnaryCall((VoteRequest req, StreamObserver<VoteResponse> out) -> vote(e, out)));
        }
        b.addMethod(VotingServiceGrpc.getResultsMethod(), ServerCalls.asyncUnaryCall(this::results));
        return b.build();
    }

    private void vote(Emojis.Emoji e, StreamObserver<VoteResponse> out) {
        if (e.shortcode().equals(Emojis.FAILING)) {
            out.onError(Status.UNKNOWN.withDescription("ERROR: cannot count a vote for " + e.shortcode()).asRuntimeException());
            return;
        }
        Runnable answer = () -> {
            votes.computeIfAbsent(e.shortcode(), k -> new AtomicLong()).incrementAndGet();
            out.onNext(VoteResponse.getDefaultInstance());
            out.onCompleted();
        };
        if (e.shortcode().equals(Emojis.SLOW)) {
            timer.schedule(answer, SLOW_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            answer.run();
        }
    }

    private void results(ResultsRequest request, StreamObserver<ResultsResponse> out) {
        ResultsResponse.Builder b = ResultsResponse.newBuilder();
        votes.forEach((k, v) -> b.addResults(VotingResult.newBuilder().setShortcode(k).setVotes(v.get())));
        out.onNext(b.build());
        out.onCompleted();
    }
}
