package io.meshlens.demo;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.meshlens.demo.emoji.Emoji;
import io.meshlens.demo.emoji.EmojiServiceGrpc;
import io.meshlens.demo.emoji.FindByShortcodeRequest;
import io.meshlens.demo.emoji.FindByShortcodeResponse;
import io.meshlens.demo.emoji.ListAllRequest;
import io.meshlens.demo.emoji.ListAllResponse;

/** The emoji service: lists the ballot and looks choices up. Always healthy. */
final class EmojiServiceImpl extends EmojiServiceGrpc.EmojiServiceImplBase {
    @Override
    public void listAll(ListAllRequest request, StreamObserver<ListAllResponse> out) {
        ListAllResponse.Builder b = ListAllResponse.newBuilder();
        Emojis.ALL.forEach(e -> b.addList(proto(e)));
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void findByShortcode(FindByShortcodeRequest request, StreamObserver<FindByShortcodeResponse> out) {
        var found = Emojis.find(request.getShortcode());
        if (found.isEmpty()) {
            out.onError(Status.NOT_FOUND.withDescription("no emoji " + request.getShortcode()).asRuntimeException());
            return;
        }
        out.onNext(FindByShortcodeResponse.newBuilder().setEmoji(proto(found.get())).build());
        out.onCompleted();
    }

    private static Emoji proto(Emojis.Emoji e) {
        return Emoji.newBuilder().setShortcode(e.shortcode()).setUnicode(e.unicode()).build();
    }
}
