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

/** The real kubectl, run against the control plane's kubeconfig. */
public final class Kubectl {

  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);

  /** What one kubectl run did. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
      return exitCode == 0;
    }

    /** This result, or an AssertionError that shows the command and its output. */
    public Result assertSuccess() {
      if (!succeeded()) {
        throw new AssertionError("kubectl failed: " + this);
      }
      return this;
    }

    @Override
    public String toString() {
      return String.join(" ", command) + " -> exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n"
          + stderr;
    }
  }

  private final String binary;
  private final Path kubeconfig;
  private final Path workingDir;

  Kubectl(String binary, Path kubeconfig, Path workingDir) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.workingDir = workingDir;
  }

  /** The kubectl binary: $GPUCOMPUTE_E2E_KUBECTL, else /usr/bin/kubectl when present, else kubectl on the PATH. */
  static String defaultBinary() {
    String configured = System.getenv("GPUCOMPUTE_E2E_KUBECTL");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    return Files.isExecutable(Path.of("/usr/bin/kubectl")) ? "/usr/bin/kubectl" : "kubectl";
  }

  /** Runs {@code kubectl args...} in the repository root; does not check the exit code. */
  public Result run(String... args) {
    return runWithInput(null, DEFAULT_TIMEOUT, args);
  }

  /** Like {@link #run(String...)}, killing kubectl after {@code timeout}. */
  public Result run(Duration timeout, String... args) {
    return runWithInput(null, timeout, args);
  }

  /** Runs {@code kubectl args...} with {@code stdin} as its standard input. */
  public Result runWithInput(String stdin, String... args) {
    return runWithInput(stdin, DEFAULT_TIMEOUT, args);
  }

  /** Runs {@code kubectl args...} with {@code stdin} (null for none) as its standard input. */
  public Result runWithInput(String stdin, Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary);
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    Path out = null;
    Path err = null;
    Path in = null;
    try {
      out = Files.createTempFile("kubectl-", ".out");
      err = Files.createTempFile("kubectl-", ".err");
      ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().put("KUBECONFIG", kubeconfig.toString());
      if (stdin != null) {
        in = Files.createTempFile("kubectl-", ".in");
        Files.writeString(in, stdin);
        builder.redirectInput(in.toFile());
      } else {
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      }
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + "\n--- stdout ---\n"
            + Files.readString(out, StandardCharsets.UTF_8) + "--- stderr ---\n" + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    } finally {
      for (Path p : new Path[] {out, err, in}) {
        if (p != null) {
          try {
            Files.deleteIfExists(p);
          } catch (IOException ignored) {
            // a temp file
          }
        }
      }
    }
  }
}
