package io.meshlens.demo;

import java.util.List;
import java.util.Optional;

/** The demo's ballot: each choice has its own voting RPC, so one failing choice is one failing endpoint. */
public final class Emojis {
    /** Voting for it always fails (the bug the demo's debugging story finds). */
    public static final String FAILING = ":doughnut:";
    /** Voting for it is slow. */
    public static final String SLOW = ":turtle:";

    public static final List<Emoji> ALL = List.of(
            new Emoji(":doughnut:", "\uD83C\uDF69", "VoteDoughnut"),
            new Emoji(":turtle:", "\uD83D\uDC22", "VoteTurtle"),
            new Emoji(":joy:", "\uD83D\uDE02", "VoteJoy"),
            new Emoji(":sunglasses:", "\uD83D\uDE0E", "VoteSunglasses"),
            new Emoji(":rocket:", "\uD83D\uDE80", "VoteRocket"),
            new Emoji(":heart:", "\u2764\uFE0F", "VoteHeart"),
            new Emoji(":pizza:", "\uD83C\uDF55", "VotePizza"),
            new Emoji(":tada:", "\uD83C\uDF89", "VoteParty"),
            new Emoji(":cat:", "\uD83D\uDC31", "VoteCat"),
            new Emoji(":dog:", "\uD83D\uDC36", "VoteDog"));

    private Emojis() {}

    public static Optional<Emoji> find(String shortcode) {
        return ALL.stream().filter(e -> e.shortcode().equals(shortcode)).findFirst();
    }

    /** One choice: its shortcode, the character, and the voting RPC that counts it. */
    public record Emoji(String shortcode, String unicode, String voteMethod) {}
}
