package io.gpucompute.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.keycloak.admin.client.Keycloak;

/**
 * How to reach Keycloak's admin API: as an admin user of a realm (password grant of {@code admin-cli}), over HTTPS that
 * trusts the given CA file or the JDK's roots. The password is kept out of {@link #toString()}.
 *
 * @param serverUrl Keycloak's base URL
 * @param adminRealm the admin user's realm
 * @param adminUser the admin user
 * @param adminPassword its password
 * @param caFile PEM CA certificates, or null
 */
public record AdminConnection(String serverUrl, String adminRealm, String adminUser, String adminPassword,
    Path caFile) {

  /** An admin client; the caller closes it. */
  public Keycloak open() {
    // getInstance builds the RESTEasy client with Keycloak's own JSON provider (which leaves out null fields);
    // a client built by hand sends every null and the server refuses some of them.
    return Keycloak.getInstance(serverUrl, adminRealm, adminUser, adminPassword, "admin-cli",
        caFile == null ? null : sslContextTrusting(caFile));
  }

  /** A TLS context that trusts exactly the certificates in a PEM file. */
  public static SSLContext sslContextTrusting(Path pemFile) {
    try (InputStream in = Files.newInputStream(pemFile)) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + pemFile);
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int index = 0;
      for (Certificate certificate : certificates) {
        trusted.setCertificateEntry("ca-" + index++, certificate);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the CA file " + pemFile, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("could not use the CA file " + pemFile + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "AdminConnection[" + adminUser + "@" + adminRealm + " on " + serverUrl + "]";
  }
}
