package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gpucompute.testprocess.ProcessGroups;
import io.gpucompute.testprocess.TestProcessTag;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A pod's container run the way the tests' stand-in kubelets run it: as a local process of its {@code command} and
 * {@code args} (the image is not pulled; the tests' commands need only {@code sh}), with the container's environment
 * ({@link ContainerEnvironment}) plus {@code PATH}, stdout and stderr together into one log file. It runs in a process
 * group of its own ({@link ProcessGroups}), tagged as a test process ({@link TestProcessTag}).
 */
public final class LocalContainer {

  private final Process process;
  private final Path log;

  private LocalContainer(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code container} of a pod in {@code namespace}, its output to {@code log}.
   *
   * @throws IllegalStateException (CreateContainerConfigError) when its environment cannot be resolved
   * @throws IOException when the command cannot be started
   */
  public static LocalContainer start(KubernetesClient client, String namespace, Container container, Path log)
      throws IOException {
    List<String> argv = new ArrayList<>();
    if (container.getCommand() != null) {
      argv.addAll(container.getCommand());
    }
    if (container.getArgs() != null) {
      argv.addAll(container.getArgs());
    }
    if (argv.isEmpty()) {
      throw new IllegalStateException("CreateContainerConfigError: container " + container.getName()
          + " has no command; the image's entrypoint cannot run locally");
    }
    ProcessBuilder builder = new ProcessBuilder(ProcessGroups.inNewGroup(argv)).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv("PATH"));
    builder.environment().putAll(new ContainerEnvironment(client, namespace).of(container));
    TestProcessTag.tag(builder.environment(), "container " + container.getName() + " of a pod in " + namespace);
    return new LocalContainer(builder.start(), log);
  }

  /** The file that holds the container's output so far. */
  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code; only once the process has ended. */
  public int exitCode() {
    return process.exitValue();
  }

  /** Completes when the process has ended. */
  public CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  /** Kills the process and everything it started: its process group, at once. */
  public void kill() {
    ProcessGroups.kill(process.pid());
  }
}
