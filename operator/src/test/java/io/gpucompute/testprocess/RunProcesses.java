package io.gpucompute.testprocess;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/** The live processes of this test run ({@link TestProcessTag}), found by scanning {@code /proc}. */
public final class RunProcesses {

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private RunProcesses() {}

  /** Every live process that carries this run's tag, except this JVM. */
  public static List<TaggedProcess> live() {
    long self = ProcessHandle.current().pid();
    List<TaggedProcess> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      entries.map(p -> p.getFileName().toString()).filter(name -> name.chars().allMatch(Character::isDigit))
          .mapToLong(Long::parseLong).filter(pid -> pid != self)
          .mapToObj(TaggedProcess::read).flatMap(Optional::stream)
          .filter(p -> TestProcessTag.run().equals(p.run()))
          .forEach(found::add);
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return found;
  }

  /**
   * Waits up to {@code patience} for the live processes of this run that {@code select} picks to end. Those still
   * there are killed (SIGKILL, in rounds, for any they start meanwhile) and returned, so that a test that fails for
   * a leak leaves nothing running either. An empty list: nothing was left.
   */
  public static List<TaggedProcess> awaitGoneOrKill(Predicate<TaggedProcess> select, Duration patience) {
    if (gone(select, patience)) {
      return List.of();
    }
    List<TaggedProcess> killed = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      List<TaggedProcess> left = live().stream().filter(select).toList();
      if (left.isEmpty()) {
        break;
      }
      left.stream().filter(p -> killed.stream().noneMatch(k -> k.pid() == p.pid())).forEach(killed::add);
      left.forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
      gone(left::contains, KILL_WAIT);
    }
    return killed;
  }

  private static boolean gone(Predicate<TaggedProcess> select, Duration patience) {
    try {
      await("test processes to end").atMost(patience).pollDelay(Duration.ZERO).pollInterval(POLL)
          .until(() -> live().stream().noneMatch(select));
      return true;
    } catch (ConditionTimeoutException stillThere) {
      return false;
    }
  }
}
