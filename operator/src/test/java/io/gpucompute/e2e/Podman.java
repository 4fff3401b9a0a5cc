package io.gpucompute.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The podman CLI, with what containers need on hosts like this one and CI runners: the runc runtime and the cgroupfs
 * manager (crun and systemd cgroups fail there), and open-file and process limits set explicitly (podman's defaults
 * exceed what such hosts allow).
 */
final class Podman {

  /** What one podman command did. */
  record Result(List<String> command, int exitCode, String output) {
    Result assertSuccess() {
      if (exitCode != 0) {
        throw new AssertionError(String.join(" ", command) + " -> exit " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  private Podman() {}

  /** Runs {@code podman args...} and waits up to {@code timeout}; stdout and stderr together. */
  static Result run(Duration timeout, List<String> args) {
    List<String> command = new ArrayList<>(List.of("podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs"));
    command.addAll(args);
    try {
      Path output = Files.createTempFile("podman-", ".out");
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError(String.join(" ", command) + " took longer than " + timeout);
        }
        return new Result(command, process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run podman (see hack/install-deps.sh)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Result run(Duration timeout, String... args) {
    return run(timeout, List.of(args));
  }

  /** The {@code --ulimit} arguments: open files at this host's hard limit, processes at 32768. */
  static List<String> limits() {
    try {
      Process process = new ProcessBuilder("sh", "-c", "ulimit -Hn").redirectErrorStream(true).start();
      String hard = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      process.waitFor(10, TimeUnit.SECONDS);
      String files = hard.equals("unlimited") ? "1048576" : hard;
      return List.of("--ulimit", "nofile=" + files + ":" + files, "--ulimit", "nproc=32768:32768");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
