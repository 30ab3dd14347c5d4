package dev.duplexrpc.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made at test time by the JDK's {@code
 * keytool} in a directory the test owns: a PKCS12 key store for the server and a trust store
 * holding only the certificate, for clients.
 */
public final class SelfSignedCertificate {
  /** The password of both stores. */
  public static final char[] PASSWORD = "test-only-password".toCharArray();

  private final Path keyStore;
  private final Path trustStore;

  private SelfSignedCertificate(Path keyStore, Path trustStore) {
    this.keyStore = keyStore;
    this.trustStore = trustStore;
  }

  /**
   * Generates the key pair and certificate (EC P-256, valid for two days) in {@code dir}.
   *
   * @param dir a temporary directory
   */
  public static SelfSignedCertificate generate(Path dir) throws IOException, InterruptedException,
      GeneralSecurityException {
    Path ks = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(List.of(
        keytool.toString(), "-genkeypair",
        "-alias", "server",
        "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost",
        "-ext", "san=ip:127.0.0.1,dns:localhost",
        "-validity", "2",
        "-storetype", "PKCS12",
        "-keystore", ks.toString(),
        "-storepass", new String(PASSWORD),
        "-keypass", new String(PASSWORD)))
        .redirectErrorStream(true)
        .start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("keytool failed: " + new String(out, StandardCharsets.UTF_8));
    }
    KeyStore server = KeyStore.getInstance(ks.toFile(), PASSWORD);
    Certificate cert = server.getCertificate("server");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", cert);
    Path ts = dir.resolve("trust.p12");
    try (OutputStream o = Files.newOutputStream(ts)) {
      trust.store(o, PASSWORD);
    }
    return new SelfSignedCertificate(ks, ts);
  }

  /** The server's key store (private key and certificate). */
  public Path keyStore() {
    return keyStore;
  }

  /** A trust store with only the certificate. */
  public Path trustStore() {
    return trustStore;
  }
}
