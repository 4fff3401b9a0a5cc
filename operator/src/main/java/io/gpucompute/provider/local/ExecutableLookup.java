package io.gpucompute.provider.local;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a program on the operator's PATH, so a job's own PATH cannot change which one the wrapper runs. */
final class ExecutableLookup {

  private ExecutableLookup() {}

  /** The absolute path of {@code name} on {@code pathVariable}, or {@code name} itself when none is found. */
  static String absolutePathOf(String name, String pathVariable) {
    if (pathVariable == null) {
      return name;
    }
    for (String dir : pathVariable.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath().toString();
      }
    }
    return name;
  }
}
