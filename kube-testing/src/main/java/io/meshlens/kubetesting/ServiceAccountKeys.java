package io.meshlens.kubetesting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** A fresh RSA key pair for signing service-account tokens, as PEM files (PKCS#8 and X.509). */
final class ServiceAccountKeys {
    final Path privateKey;
    final Path publicKey;

    private ServiceAccountKeys(Path privateKey, Path publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    static ServiceAccountKeys generate(Path dir) throws IOException {
        KeyPair kp;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            kp = g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is missing from this JDK", e);
        }
        Path key = dir.resolve("sa.key");
        Path pub = dir.resolve("sa.pub");
        Files.writeString(key, pem("PRIVATE KEY", kp.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(pub, pem("PUBLIC KEY", kp.getPublic().getEncoded()), StandardCharsets.US_ASCII);
        return new ServiceAccountKeys(key, pub);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
