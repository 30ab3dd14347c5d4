package dev.duplexrpc.websocket.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts made from key store files (PKCS12 or JKS), for the builders' shortcuts: the
 * server's key and certificate chain, the client's trusted certificates.
 */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * A context that serves with the one private key entry of a key store.
   *
   * @throws IllegalArgumentException if the file cannot be read or holds no usable key
   */
  public static SSLContext withKey(Path keyStore, char[] password) {
    return make(keyStore, password, "key store", (ks, context) -> {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      context.init(kmf.getKeyManagers(), null, null);
    });
  }

  /**
   * A context that trusts the certificates of a trust store, and only them.
   *
   * @throws IllegalArgumentException if the file cannot be read
   */
  public static SSLContext trusting(Path trustStore, char[] password) {
    return make(trustStore, password, "trust store", (ks, context) -> {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      context.init(null, tmf.getTrustManagers(), null);
    });
  }

  private interface Init {
    void init(KeyStore ks, SSLContext context) throws GeneralSecurityException;
  }

  private static SSLContext make(Path file, char[] password, String what, Init init) {
    Objects.requireNonNull(file, what + " == null");
    Objects.requireNonNull(password, "password == null");
    try {
      KeyStore ks = KeyStore.getInstance(file.toFile(), password);
      SSLContext context = SSLContext.getInstance("TLS");
      init.init(ks, context);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("Could not use the " + what + " " + file + ": " + e.getMessage(), e);
    }
  }
}
