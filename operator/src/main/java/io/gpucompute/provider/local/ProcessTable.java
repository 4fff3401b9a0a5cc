package io.gpucompute.provider.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads the host's processes from {@code /proc} (Linux). */
final class ProcessTable {

  private static final Path PROC = Path.of("/proc");

  private ProcessTable() {}

  /** The process with {@code pid}, if it exists (zombies included). */
  static Optional<ProcStat> stat(long pid) {
    try {
      return ProcStat.parse(Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // gone, or never there
    }
  }

  /** Every process of the host, as far as it can be read. */
  static List<ProcStat> all() {
    try (Stream<Path> entries = Files.list(PROC)) {
      return entries.map(entry -> entry.getFileName().toString())
          .filter(name -> name.chars().allMatch(Character::isDigit))
          .map(name -> stat(Long.parseLong(name)))
          .flatMap(Optional::stream)
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
