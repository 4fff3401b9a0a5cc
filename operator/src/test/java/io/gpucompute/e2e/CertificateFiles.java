package io.gpucompute.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Certificates for loopback test servers, made with openssl (which hack/install-deps.sh installs). */
public final class CertificateFiles {

  private CertificateFiles() {}

  /**
   * A CA ({@code <name>-ca.crt}) and a serving certificate it signed for IP 127.0.0.1 ({@code <name>.crt},
   * {@code <name>.key}), valid for two days, in {@code dir}.
   *
   * @return the CA certificate's PEM file
   */
  public static Path selfSignedFor127(Path dir, String name) {
    Path caKey = dir.resolve(name + "-ca.key");
    Path ca = dir.resolve(name + "-ca.crt");
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path cert = dir.resolve(name + ".crt");
    Path extensions = dir.resolve(name + ".ext");
    try {
      Files.writeString(extensions, "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out", ca.toString(),
        "-days", "2", "-subj", "/CN=" + name + "-e2e-ca");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj",
        "/CN=127.0.0.1");
    openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
        "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", extensions.toString());
    return ca;
  }

  /**
   * Rewrites the RSA key {@code key} (PKCS#8, openssl's default) in the traditional PKCS#1 form ({@code BEGIN RSA
   * PRIVATE KEY}), as Helm's {@code genSignedCert} and cert-manager write keys.
   */
  public static void toTraditionalRsa(Path key) {
    openssl("rsa", "-in", key.toString(), "-out", key.toString(), "-traditional");
  }

  /** A TLS server context with the key and certificate of the PKCS12 file {@code p12}. */
  public static SSLContext serverContext(Path p12, char[] password) throws IOException, GeneralSecurityException {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      keyStore.load(in, password);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(keyStore, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static void openssl(String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run openssl (hack/install-deps.sh installs it)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
