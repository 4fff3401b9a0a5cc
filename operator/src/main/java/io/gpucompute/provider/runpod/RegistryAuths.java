package io.gpucompute.provider.runpod;

import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.PullSecret;
import io.gpucompute.provider.RegistryLogin;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's pull secret as RunPod uses it: one container registry auth of the account, passed to the pod as
 * {@code containerRegistryAuthId}. An auth is named after the operator installation and what it holds
 * ({@link #nameOf}), so the same login is saved once and reused by every pod that needs it; each such pod carries the
 * name in its environment ({@value #VARIABLE}), and once no live pod does, the auth is deleted
 * ({@link #collectGarbage}); auths of other installations sharing the account are never touched. Saving an auth and
 * deploying the pod that uses it happen under the shared lock's read side, the collection under its write side, so
 * no auth is deleted between its save and its pod's deploy.
 */
final class RegistryAuths {

  /** The prefix of the auths the operator saves; it never touches others. */
  static final String PREFIX = "gpucompute-";
  /** The pod environment variable that names the auth the pod was deployed with. */
  static final String VARIABLE = "GPUCOMPUTE_REGISTRY_AUTH";

  private static final Logger log = LoggerFactory.getLogger(RegistryAuths.class);

  /** An auth of the account: its name and RunPod's id. */
  record Saved(String name, String id) {}

  private final RunPodGraphQl api;
  private final ReadWriteLock lock;

  RegistryAuths(RunPodGraphQl api, ReadWriteLock lock) {
    this.api = api;
    this.lock = lock;
  }

  ReadWriteLock lock() {
    return lock;
  }

  /**
   * The login for {@code image}: the one of the registry the image names, or the only one when the secrets hold one.
   * Pure.
   *
   * @throws ProviderException.InvalidRequest (PullSecretNotForImage) when none fits, naming the registries, never a
   *     credential
   */
  static Optional<RegistryLogin> loginFor(String image, List<PullSecret> secrets) throws ProviderException.InvalidRequest {
    if (secrets.isEmpty()) {
      return Optional.empty();
    }
    List<RegistryLogin> logins = new ArrayList<>();
    for (PullSecret secret : secrets) {
      logins.addAll(secret.logins());
    }
    Optional<String> host = registryHost(image);
    if (host.isPresent()) {
      for (RegistryLogin login : logins) {
        if (login.host().equals(host.get())) {
          return Optional.of(login);
        }
      }
    }
    if (logins.size() == 1) {
      return Optional.of(logins.get(0));
    }
    throw new ProviderException.InvalidRequest("PullSecretNotForImage", "RunPod takes one registry login per pod, and "
        + "the pull secrets hold " + logins.size() + " (" + logins.stream().map(RegistryLogin::registry).toList()
        + ") of which none is for the registry " + host.map(h -> h + " ").orElse("") + "of image " + image
        + (host.isEmpty() ? " (name the registry in spec.image)" : ""));
  }

  /** The registry host an image reference names, if it names one (a first part with '.' or ':', or localhost). Pure. */
  static Optional<String> registryHost(String image) {
    int slash = image.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String first = image.substring(0, slash);
    if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
      return Optional.of(first.toLowerCase(Locale.ROOT));
    }
    return Optional.empty();
  }

  /**
   * The name of the auth that holds {@code login} for {@code installation} (null: none): {@link #prefixOf} the
   * installation, then a digest of the registry, user and password, so another password is another auth. Pure.
   */
  static String nameOf(RegistryLogin login, String installation) {
    return prefixOf(installation) + digest(login.host() + "\n" + login.username() + "\n" + login.password(), 10);
  }

  /** The start of the names of the auths of {@code installation}: {@value #PREFIX}, a digest of it and '-'. Pure. */
  static String prefixOf(String installation) {
    return PREFIX + digest(installation == null ? "" : installation, 4) + "-";
  }

  private static String digest(String text, int bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  /**
   * The name and id of the auth holding {@code login}, saved now unless the account has it. Call under the read lock.
   */
  Saved ensure(RegistryLogin login, String installation) throws ProviderException {
    String name = nameOf(login, installation);
    for (RunPodGraphQl.RegistryAuth auth : api.registryAuths()) {
      if (auth.name().equals(name)) {
        return new Saved(name, auth.id());
      }
    }
    String id = api.saveRegistryAuth(name, login.username(), login.password());
    log.info("saved RunPod container registry auth {} ({}) for registry {}", name, id, login.registry());
    return new Saved(name, id);
  }

  /**
   * Deletes the auths of {@code installation} that no live pod names any more. Takes the write lock.
   *
   * @return whether auths of the installation are left (live pods use them)
   */
  boolean collectGarbage(String installation) throws ProviderException {
    String prefix = prefixOf(installation);
    lock.writeLock().lock();
    try {
      List<RunPodGraphQl.RegistryAuth> ours = api.registryAuths().stream()
          .filter(auth -> auth.name().startsWith(prefix)).toList();
      if (ours.isEmpty()) {
        return false;
      }
      Set<String> used = api.podEnvValues(VARIABLE);
      boolean left = false;
      for (RunPodGraphQl.RegistryAuth auth : ours) {
        if (used.contains(auth.name())) {
          left = true;
        } else {
          api.deleteRegistryAuth(auth.id());
          log.info("deleted RunPod container registry auth {} ({}): no pod uses it any more", auth.name(), auth.id());
        }
      }
      return left;
    } finally {
      lock.writeLock().unlock();
    }
  }
}
