package io.gpucompute.e2e.kubelet;

import io.gpucompute.e2e.CertificateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A TLS server context with a self-signed certificate for {@code 127.0.0.1}, made fresh by the JDK's {@code keytool}
 * (so nothing but the JDK is needed). Its key never leaves a temporary directory that is deleted right away. Clients
 * cannot verify it: the API server talks to kubelets without verifying them unless it is given
 * {@code --kubelet-certificate-authority}, which the e2e control plane is not.
 */
final class LoopbackTls {

  private static final char[] PASSWORD = "loopback-kubelet".toCharArray();

  private LoopbackTls() {}

  /** A new server context with a new key pair. */
  static SSLContext serverContext() {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("loopback-kubelet-tls");
      Path keyStoreFile = dir.resolve("kubelet.p12");
      generate(keyStoreFile);
      return CertificateFiles.serverContext(keyStoreFile, PASSWORD);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not make the loopback kubelet's TLS certificate", e);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static void generate(Path keyStoreFile) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    String password = new String(PASSWORD);
    Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "kubelet",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStoreFile.toString(),
        "-storepass", password, "-keypass", password)).redirectErrorStream(true).start();
    try {
      boolean done = process.waitFor(60, TimeUnit.SECONDS);
      String output = new String(process.getInputStream().readAllBytes());
      if (!done || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("keytool failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running keytool", e);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temporary directory; nothing depends on its removal
    }
  }
}
