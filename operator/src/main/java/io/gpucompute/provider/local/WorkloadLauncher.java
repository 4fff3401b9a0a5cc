package io.gpucompute.provider.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a workload's wrapper process in its directory, its output appended to {@code output.log}, with an
 * environment built from scratch: {@code PATH} (the operator's), {@code HOME} (the job's directory) and the
 * {@link LaunchCommand#environment() job's variables}. Nothing else of the operator's environment reaches a job.
 *
 * <p>With {@link LocalSettings#runAs()} each workload runs as a user of its own ({@link WorkloadUsers}): the job's
 * directory is {@code work/} inside the workload directory, owned by that user, and the workload directory itself is
 * root's ({@link FileModes#PASS_THROUGH}), so the job can neither change its own records ({@code pid},
 * {@code exit-code}) nor read another workload's output.
 */
final class WorkloadLauncher {

  /**
   * A started workload.
   *
   * @param process the started process (the {@code setsid} that becomes the wrapper)
   * @param identity its pid and start time
   */
  record Launched(Process process, ProcessIdentity identity) {}

  /** The file, in the job's own directory, that its variables are loaded from when it runs as its own user. */
  static final String ENVIRONMENT_FILE = ".gpucompute-environment";
  /** A start time that no process has, for a process that ended before its start time could be read. */
  private static final long UNKNOWN_START = -1;
  private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private final String path;
  private final Optional<WorkloadUsers> users;
  private final String setpriv;

  /**
   * @param path the {@code PATH} jobs get (the operator's)
   * @param users the users workloads run as, or empty to run them as the operator's user
   * @param setpriv the absolute path of {@code setpriv}, used with {@code users}
   */
  WorkloadLauncher(String path, Optional<WorkloadUsers> users, String setpriv) {
    this.path = path == null || path.isBlank() ? DEFAULT_PATH : path;
    this.users = users;
    this.setpriv = setpriv;
  }

  Launched launch(WorkloadDirectory dir, LaunchCommand command) throws IOException {
    if (users.isEmpty()) {
      return start(dir, command.argv(), environment(dir.path(), command.environment()));
    }
    WorkloadUser user = users.get().acquire();
    try {
      Path work = prepareAs(dir, user, command);
      // Relative to work/, where the wrapper has put the job: the user needs no right on the directories above.
      Launched launched = start(dir, command.argvAs(user, setpriv, WorkloadUsers.WORK_DIR, "./" + ENVIRONMENT_FILE),
          environment(work, Map.of()));
      launched.process().onExit().thenRun(() -> users.get().release(user));
      return launched;
    } catch (IOException | RuntimeException e) {
      users.get().release(user);
      throw e;
    }
  }

  /** {@code PATH}, {@code HOME}, then {@code variables}; nothing inherited. */
  private Map<String, String> environment(Path home, Map<String, String> variables) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PATH", path);
    environment.put("HOME", home.toString());
    environment.putAll(variables);
    return environment;
  }

  /**
   * Makes the workload directory root's and passable, its {@code output.log} root's alone, and {@code work/} with the
   * variables file the user's. Everything is created by root before the user gets it, so no process of the user
   * can plant a link on the way.
   */
  private static Path prepareAs(WorkloadDirectory dir, WorkloadUser user, LaunchCommand command) throws IOException {
    Path workloads = dir.path().getParent();
    FileModes.setMode(workloads, FileModes.PASS_THROUGH);
    FileModes.setMode(dir.path(), FileModes.PASS_THROUGH);
    if (!Files.exists(dir.outputLog(), LinkOption.NOFOLLOW_LINKS)) {
      Files.createFile(dir.outputLog());
    }
    FileModes.giveToRoot(dir.outputLog());
    FileModes.setMode(dir.outputLog(), FileModes.OWNER_READ_WRITE);
    Path work = dir.path().resolve(WorkloadUsers.WORK_DIR);
    if (Files.exists(work, LinkOption.NOFOLLOW_LINKS)) {
      // Left by a launch of this attempt that failed: set aside, root's, for the job's deletion to remove.
      FileModes.giveToRoot(work);
      Files.move(work, dir.path().resolve(WorkloadUsers.WORK_DIR + "." + System.currentTimeMillis()),
          StandardCopyOption.ATOMIC_MOVE);
    }
    Files.createDirectory(work);
    FileModes.setMode(work, FileModes.OWNER_ONLY);
    Path variables = work.resolve(ENVIRONMENT_FILE);
    Files.writeString(Files.createFile(variables), command.environmentFile(), StandardCharsets.UTF_8);
    FileModes.setMode(variables, FileModes.OWNER_READ_WRITE);
    FileModes.giveTo(variables, user);
    FileModes.giveTo(work, user);
    return work;
  }

  private static Launched start(WorkloadDirectory dir, List<String> argv, Map<String, String> environment)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(argv)
        .directory(dir.path().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.outputLog().toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process = builder.start();
    ProcessIdentity identity = ProcessIdentity.current(process.pid())
        .orElse(new ProcessIdentity(process.pid(), UNKNOWN_START));
    return new Launched(process, identity);
  }
}
