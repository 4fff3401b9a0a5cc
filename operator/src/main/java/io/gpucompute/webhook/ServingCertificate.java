package io.gpucompute.webhook;

import io.fabric8.kubernetes.client.internal.CertUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's serving certificate, from {@code tls.crt} and {@code tls.key} (PEM; an RSA key in PKCS#1 or PKCS#8,
 * or an EC key) in a directory, as a {@code kubernetes.io/tls} Secret is mounted. The files are read again when they
 * change (cert-manager renews them in place), at the next TLS handshake; a pair that cannot be read keeps the last
 * good one, with a warning.
 */
final class ServingCertificate extends X509ExtendedKeyManager {

  private static final Logger LOG = LoggerFactory.getLogger(ServingCertificate.class);
  private static final char[] NO_PASSWORD = new char[0];

  private final Path cert;
  private final Path key;
  private volatile Loaded loaded;

  private record Loaded(FileTime certTime, FileTime keyTime, X509KeyManager keys) {}

  /** Reads the pair in {@code dir} now; fails when it cannot. */
  ServingCertificate(Path dir) {
    this.cert = dir.resolve("tls.crt");
    this.key = dir.resolve("tls.key");
    this.loaded = load();
  }

  private X509KeyManager current() {
    Loaded now = loaded;
    try {
      if (!Files.getLastModifiedTime(cert).equals(now.certTime()) || !Files.getLastModifiedTime(key).equals(now.keyTime())) {
        loaded = load();
        LOG.info("webhook: serving certificate {} read again", cert);
      }
    } catch (RuntimeException | IOException e) {
      LOG.warn("webhook: cannot read the serving certificate {} again, keeping the last one: {}", cert, e.toString());
    }
    return loaded.keys();
  }

  private Loaded load() {
    try {
      FileTime certTime = Files.getLastModifiedTime(cert);
      FileTime keyTime = Files.getLastModifiedTime(key);
      byte[] keyPem = Files.readAllBytes(key);
      String algorithm = new String(keyPem, StandardCharsets.US_ASCII).contains("EC PRIVATE KEY") ? "EC" : "RSA";
      KeyStore store = CertUtils.createKeyStore(new ByteArrayInputStream(Files.readAllBytes(cert)),
          new ByteArrayInputStream(keyPem), algorithm, NO_PASSWORD, null, NO_PASSWORD);
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, NO_PASSWORD);
      return new Loaded(certTime, keyTime, (X509KeyManager) factory.getKeyManagers()[0]);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the webhook's serving certificate " + cert + " and key " + key, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot use the webhook's serving certificate " + cert + " and key " + key, e);
    }
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return current().chooseServerAlias(keyType, issuers, null);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return current().chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return loaded.keys().getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return loaded.keys().getPrivateKey(alias);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return current().getServerAliases(keyType, issuers);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
