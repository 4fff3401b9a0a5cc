package io.gpucompute.provider.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which users own processes, from {@code /proc/<pid>/status} (Linux). That file shows the ids even of a process that
 * made itself non-dumpable, which {@code /proc/<pid>}'s own owner does not.
 */
final class ProcessOwners {

  private static final Path PROC = Path.of("/proc");

  private ProcessOwners() {}

  /**
   * Every user id (real, effective, saved or filesystem) that a live process of the host has now. Zombies (ended,
   * not yet reaped by their parent) do not count: they run nothing.
   */
  static Set<Integer> userIds() {
    Set<Integer> ids = new HashSet<>();
    try (Stream<Path> entries = Files.list(PROC)) {
      entries.filter(entry -> entry.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(entry -> ids.addAll(uids(entry.resolve("status"))));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + PROC + " to find the users of running processes", e);
    }
    return ids;
  }

  /** This process's effective user id, if {@code /proc/self/status} can be read. */
  static Optional<Integer> effectiveUidOfThisProcess() {
    List<Integer> ids = uids(PROC.resolve("self").resolve("status"));
    return ids.size() >= 2 ? Optional.of(ids.get(1)) : Optional.empty();
  }

  /**
   * The ids of the {@code Uid:} line of a status file: real, effective, saved, filesystem; none for a zombie
   * ({@code State: Z}).
   */
  static List<Integer> parseUidLine(String status) {
    List<Integer> ids = List.of();
    for (String line : status.split("\n")) {
      if (line.startsWith("State:") && line.substring(6).strip().startsWith("Z")) {
        return List.of();
      }
      if (line.startsWith("Uid:")) {
        ids = Stream.of(line.substring(4).strip().split("\\s+")).map(Integer::parseInt).toList();
      }
    }
    return ids;
  }

  private static List<Integer> uids(Path statusFile) {
    try {
      return parseUidLine(Files.readString(statusFile));
    } catch (IOException | RuntimeException e) {
      return List.of(); // gone in the meantime
    }
  }
}
