package io.gpucompute.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What another JVM holds: its live heap (a class histogram, which runs a full GC first) and its resident memory.
 */
final class JvmProbe {

  private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

  private JvmProbe() {}

  /** The class histogram of {@code pid} after a full GC, as jcmd prints it. */
  static String histogram(long pid) {
    return jcmd(pid, "GC.class_histogram");
  }

  /** The bytes of live objects in a histogram. */
  static long liveBytes(String histogram) {
    Matcher m = TOTAL.matcher(histogram);
    if (!m.find()) {
      throw new IllegalStateException("no Total line in the class histogram:\n" + histogram);
    }
    return Long.parseLong(m.group(2));
  }

  /** The first {@code lines} lines of a histogram's table. */
  static String top(String histogram, int lines) {
    List<String> all = histogram.lines().filter(l -> l.matches("\\s*(num|\\d+:|-).*")).toList();
    return String.join("\n", all.subList(0, Math.min(all.size(), lines + 2)));
  }

  /** Resident memory of {@code pid} in bytes (VmRSS). */
  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
          .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("jcmd " + command + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
