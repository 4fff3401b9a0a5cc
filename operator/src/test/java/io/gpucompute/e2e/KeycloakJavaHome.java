package io.gpucompute.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a JDK that can run Keycloak (which needs Java {@value #MINIMUM_FEATURE} or newer) while the build itself may
 * run on Java 17: {@code KEYCLOAK_JAVA_HOME}, then {@code JAVA_HOME}, then this JVM, then the newest JDK under
 * {@code /usr/lib/jvm}. A JDK is read from its {@code release} file, so nothing is started to ask it.
 */
final class KeycloakJavaHome {

  /** The lowest Java feature release that Keycloak 26 runs on. */
  static final int MINIMUM_FEATURE = 21;
  /** Names a JDK for Keycloak explicitly. */
  static final String ENV = "KEYCLOAK_JAVA_HOME";

  private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

  private KeycloakJavaHome() {}

  /**
   * The JDK to run Keycloak with.
   *
   * @throws IllegalStateException saying where it looked, when none is new enough
   */
  static Path find() {
    List<Path> candidates = new ArrayList<>();
    Optional.ofNullable(System.getenv(ENV)).map(Path::of).ifPresent(candidates::add);
    Optional.ofNullable(System.getenv("JAVA_HOME")).map(Path::of).ifPresent(candidates::add);
    candidates.add(Path.of(System.getProperty("java.home")));
    candidates.addAll(installedJdks(Path.of("/usr/lib/jvm")));
    return candidates.stream().filter(home -> feature(home) >= MINIMUM_FEATURE).findFirst()
        .orElseThrow(() -> new IllegalStateException("Keycloak needs Java " + MINIMUM_FEATURE + "+, and none of "
            + candidates + " is. Install one (for example a Temurin 21 or 25 JDK under /usr/lib/jvm) or set " + ENV
            + "."));
  }

  /** The JDKs in a directory, newest first. */
  private static List<Path> installedJdks(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> homes = Files.list(root)) {
      return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
          .sorted(Comparator.comparingInt(KeycloakJavaHome::feature).reversed()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + root, e);
    }
  }

  /** The feature release (17, 21, 25...) of a JDK from its release file, or 0 when it has none. */
  static int feature(Path home) {
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin/java"))) {
      return 0;
    }
    try {
      Matcher version = JAVA_VERSION.matcher(Files.readString(release));
      return version.find() ? Integer.parseInt(version.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
