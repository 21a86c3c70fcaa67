package io.meshlens.cli;

/** Entry point of the {@code meshlens} command line. */
public final class Meshlens {
    private Meshlens() {}

    public static void main(String[] args) {
        System.out.println("meshlens " + Meshlens.class.getPackage().getImplementationVersion());
    }
}
