package io.gpucompute.provider.local;

import io.gpucompute.provider.WorkloadKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The directory of one workload, {@code <stateDir>/workloads/<workload name>/}: the Local provider's only record
 * of it, so a fresh instance after an operator restart knows everything.
 *
 * <ul>
 *   <li>{@code workload} - who it is: namespace, name, uid, attempt, ProviderConfig, image (recorded, never
 *       pulled) and the operator installation that launched it, one per line
 *   <li>{@code devices} - the GPUs it holds, as in CUDA_VISIBLE_DEVICES
 *   <li>{@code pid} - the wrapper process: {@code <pid> <start ticks>}; present once launched
 *   <li>{@code started-at} - when it was launched (ISO-8601)
 *   <li>{@code output.log} - stdout and stderr
 *   <li>{@code exit-code} - written by the wrapper when the command ends
 *   <li>{@code cancelled} - written by cancel (ISO-8601 time)
 *   <li>{@code log-upload} - the presigned URL its output goes to when its ProviderConfig has a log archive (readable
 *       by the operator's user only)
 *   <li>{@code log-archived} - written once the output was uploaded: {@code ok}, or why it could not be
 *   <li>{@code volumes/<name>/} - its emptyDir volumes
 * </ul>
 *
 * Every file is written to a temporary file first and moved into place, so a reader never sees half of one.
 */
final class WorkloadDirectory {

  private final Path path;

  WorkloadDirectory(Path path) {
    this.path = path.toAbsolutePath().normalize();
  }

  static WorkloadDirectory of(LocalSettings settings, WorkloadKey key) {
    return new WorkloadDirectory(settings.workloadsDir().resolve(key.workloadName()));
  }

  Path path() {
    return path;
  }

  boolean exists() {
    return Files.isDirectory(path);
  }

  Path outputLog() {
    return path.resolve("output.log");
  }

  /** Creates the directory and records who the workload is and which GPUs it gets, before it is launched. */
  void prepare(WorkloadKey key, String configName, String image, String installation, List<GpuDevice> devices)
      throws IOException {
    Files.createDirectories(path);
    for (String stale : List.of("exit-code", "cancelled")) {
      Files.deleteIfExists(path.resolve(stale)); // of a launch that failed before it was recorded
    }
    write("workload", String.join("\n", key.namespace(), key.name(), key.uid(), Integer.toString(key.attempt()),
        configName, image == null ? "" : image, installation == null ? "" : installation) + "\n");
    write("devices", LaunchCommand.cudaVisibleDevices(devices) + "\n");
  }

  void recordLaunch(ProcessIdentity process, Instant startedAt) throws IOException {
    write("started-at", startedAt + "\n");
    write("pid", process.serialize() + "\n");
  }

  /** Deletes the directory and everything in it; nothing when it does not exist. */
  void delete() throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var entries = Files.walk(path)) {
      for (Path entry : entries.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(entry);
      }
    }
  }

  /** Records where the output goes once the workload has ended. */
  void recordLogUpload(java.net.URI url) throws IOException {
    write("log-upload", url + "\n");
    Files.setPosixFilePermissions(path.resolve("log-upload"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  /** The URL the output goes to; empty when the workload has no log archive. */
  Optional<java.net.URI> logUpload() {
    return read("log-upload").map(String::strip).filter(text -> !text.isEmpty()).map(java.net.URI::create);
  }

  /** What became of the upload of the output: {@code ok} or why not; empty while it was not tried. */
  Optional<String> logArchived() {
    return read("log-archived").map(String::strip);
  }

  void markLogArchived(String outcome) throws IOException {
    write("log-archived", outcome + "\n");
  }

  void markCancelled(Instant at) throws IOException {
    write("cancelled", at + "\n");
  }

  /** The launched wrapper process; empty when never launched. */
  Optional<ProcessIdentity> process() {
    return read("pid").flatMap(ProcessIdentity::parse);
  }

  /** The ProviderConfig that launched it. */
  Optional<String> configName() {
    return read("workload").map(text -> text.split("\n")).filter(lines -> lines.length >= 5).map(lines -> lines[4]);
  }

  /** The operator installation that launched it; empty when it was launched without one. */
  Optional<String> installation() {
    return read("workload").map(text -> text.split("\n")).filter(lines -> lines.length >= 7)
        .map(lines -> lines[6]).filter(id -> !id.isEmpty());
  }

  /** The workload's key, as recorded at launch. */
  Optional<WorkloadKey> key() {
    return read("workload").map(text -> text.split("\n")).filter(lines -> lines.length >= 4).flatMap(lines -> {
      try {
        return Optional.of(new WorkloadKey(lines[0], lines[1], lines[2], Integer.parseInt(lines[3])));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    });
  }

  /** The GPU ids it holds, as in CUDA_VISIBLE_DEVICES. */
  List<String> deviceIds() {
    return read("devices").map(String::strip).filter(text -> !text.isEmpty())
        .map(text -> Arrays.asList(text.split(","))).orElse(List.of());
  }

  /** The exit code, once the wrapper wrote it. */
  Optional<Integer> exitCode() {
    return read("exit-code").map(String::strip).filter(text -> !text.isEmpty()).flatMap(text -> {
      try {
        return Optional.of(Integer.parseInt(text));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  boolean isCancelled() {
    return Files.exists(path.resolve("cancelled"));
  }

  Optional<Instant> startedAt() {
    return read("started-at").flatMap(WorkloadDirectory::instant);
  }

  Optional<Instant> exitedAt() {
    return modifiedAt("exit-code");
  }

  Optional<Instant> cancelledAt() {
    return read("cancelled").flatMap(WorkloadDirectory::instant);
  }

  @Override
  public String toString() {
    return path.toString();
  }

  private void write(String name, String content) throws IOException {
    Path target = path.resolve(name);
    Path temporary = path.resolve("." + name + ".tmp");
    Files.writeString(temporary, content, StandardCharsets.UTF_8);
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private Optional<String> read(String name) {
    try {
      return Optional.of(Files.readString(path.resolve(name), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Optional<Instant> modifiedAt(String name) {
    try {
      return Optional.of(Files.getLastModifiedTime(path.resolve(name)).toInstant());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Instant> instant(String text) {
    try {
      return Optional.of(Instant.parse(text.strip()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
