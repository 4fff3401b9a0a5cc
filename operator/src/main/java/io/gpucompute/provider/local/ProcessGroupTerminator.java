package io.gpucompute.provider.local;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a workload's whole process group: SIGTERM to the group, up to a grace period to exit, then SIGKILL to the
 * group and to every descendant that left it (a {@code setsid} daemon, say).
 *
 * <p>The workload's wrapper runs in a new session, so its pid is also the group id. While any member of the group
 * lives, the kernel never hands that pid to another process, so a group with that id and live members is ours.
 */
final class ProcessGroupTerminator {

  private static final Logger log = LoggerFactory.getLogger(ProcessGroupTerminator.class);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration AFTER_KILL = Duration.ofSeconds(5);

  private final Duration gracePeriod;

  ProcessGroupTerminator(Duration gracePeriod) {
    this.gracePeriod = gracePeriod;
  }

  /**
   * Stops the group led by {@code leader}, waiting until it is gone.
   *
   * @param workload names the workload in log lines
   * @return whether anything was still running
   */
  boolean terminate(ProcessIdentity leader, Object workload) {
    if (leader.isPidReused()) {
      return false; // our group is long gone: another process has the pid now
    }
    List<ProcessIdentity> descendants = descendantsOf(leader);
    if (!anyAlive(leader, descendants)) {
      return false;
    }
    signalGroup(leader.pid(), "TERM");
    if (!waitUntilGone(leader, descendants, gracePeriod)) {
      log.info("workload {}: process group {} still runs {} after SIGTERM; sending SIGKILL", workload, leader.pid(),
          gracePeriod);
      signalGroup(leader.pid(), "KILL");
      descendants.stream().filter(ProcessIdentity::isAlive)
          .forEach(process -> ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly));
      if (!waitUntilGone(leader, descendants, AFTER_KILL)) {
        log.warn("workload {}: process group {} still runs after SIGKILL", workload, leader.pid());
      }
    }
    // Descendants that left the group (their own session) got no group signal.
    descendants.stream().filter(ProcessIdentity::isAlive)
        .forEach(process -> ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly));
    return true;
  }

  /** Whether any process of the group led by {@code leader} still runs. */
  static boolean groupAlive(ProcessIdentity leader) {
    return !leader.isPidReused() && !groupMembers(leader.pid()).isEmpty();
  }

  private static List<ProcessIdentity> descendantsOf(ProcessIdentity leader) {
    if (!leader.isAlive()) {
      return List.of();
    }
    return ProcessHandle.of(leader.pid()).stream()
        .flatMap(ProcessHandle::descendants)
        .map(handle -> ProcessIdentity.current(handle.pid()))
        .flatMap(Optional::stream)
        .toList();
  }

  private static boolean anyAlive(ProcessIdentity leader, List<ProcessIdentity> descendants) {
    return leader.isAlive() || !groupMembers(leader.pid()).isEmpty()
        || descendants.stream().anyMatch(ProcessIdentity::isAlive);
  }

  private static List<ProcStat> groupMembers(long groupId) {
    return ProcessTable.all().stream().filter(stat -> stat.processGroup() == groupId && stat.isRunning()).toList();
  }

  private static boolean waitUntilGone(ProcessIdentity leader, List<ProcessIdentity> descendants, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (anyAlive(leader, descendants)) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private static void signalGroup(long groupId, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + groupId)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      if (!kill.waitFor(5, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
      }
    } catch (IOException e) {
      log.warn("cannot run kill to send SIG{} to process group {}: {}", signal, groupId, e.getMessage());
      // Fall back to the members we can see, one by one.
      groupMembers(groupId).forEach(member -> ProcessHandle.of(member.pid()).ifPresent(
          handle -> {
            if (signal.equals("KILL")) {
              handle.destroyForcibly();
            } else {
              handle.destroy();
            }
          }));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
