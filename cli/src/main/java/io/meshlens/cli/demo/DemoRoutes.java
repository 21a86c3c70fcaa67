package io.meshlens.cli.demo;

import java.util.ArrayList;
import java.util.List;

import io.meshlens.demo.Emojis;
import io.meshlens.proxy.routes.RouteTable;
import io.meshlens.proxy.routes.RouteTable.Route;

/**
 * The demo's route table: web's two endpoints and every gRPC method, so {@code routes} and the
 * route dashboards name the failing endpoint ({@code VoteDoughnut}) instead of "default".
 */
final class DemoRoutes {
    private DemoRoutes() {}

    static RouteTable all() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET /api/list", "GET", "/api/list"));
        r.add(new Route("GET /api/vote", "GET", "/api/vote"));
        r.add(new Route("ListAll", "POST", "/meshlens.demo.emoji.EmojiService/ListAll"));
        r.add(new Route("FindByShortcode", "POST", "/meshlens.demo.emoji.EmojiService/FindByShortcode"));
        for (Emojis.Emoji e : Emojis.ALL) {
            r.add(new Route(e.voteMethod(), "POST", "/meshlens.demo.voting.VotingService/" + e.voteMethod()));
        }
        r.add(new Route("Results", "POST", "/meshlens.demo.voting.VotingService/Results"));
        return RouteTable.of(r);
    }
}
