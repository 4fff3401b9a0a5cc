package io.gpucompute.provider.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Hands each workload that is being launched a user id of {@link LocalSettings.RunAs} that nothing else has: no
 * process of the host runs as it (whatever the operator remembers, so this holds across restarts) and no other
 * launch holds it. Before a user id is handed out again, the directories an earlier workload of that id left behind
 * ({@code work/}) are given to root, so the next workload cannot read them.
 */
final class WorkloadUsers {

  /** The directory a workload run as its own user works in, inside its workload directory. */
  static final String WORK_DIR = "work";

  private final LocalSettings.RunAs range;
  private final Path workloadsDir;
  private final Supplier<Set<Integer>> processUserIds;
  private final Set<Integer> launching = new HashSet<>();

  /**
   * @param processUserIds the user ids that processes of the host have now ({@link ProcessOwners#userIds})
   */
  WorkloadUsers(LocalSettings.RunAs range, Path workloadsDir, Supplier<Set<Integer>> processUserIds) {
    this.range = range;
    this.workloadsDir = workloadsDir;
    this.processUserIds = processUserIds;
  }

  /**
   * A free user for a workload about to launch; {@link #release} it once its process has exited (or failed to start).
   *
   * @throws IOException when every user id of the range is taken, or old directories cannot be given to root
   */
  synchronized WorkloadUser acquire() throws IOException {
    Set<Integer> taken = new HashSet<>(processUserIds.get());
    taken.addAll(launching);
    OptionalInt uid = firstFree(range, taken);
    if (uid.isEmpty()) {
      throw new IOException("every workload user (" + range + ") runs a workload: at most " + range.size()
          + " Local workloads run at once; widen GPUCOMPUTE_LOCAL_RUN_AS_USER");
    }
    reclaimDirectoriesOf(uid.getAsInt());
    launching.add(uid.getAsInt());
    return new WorkloadUser(uid.getAsInt(), range.gid());
  }

  /** Lets {@code user} go: its process has exited, or never started. */
  synchronized void release(WorkloadUser user) {
    launching.remove(user.uid());
  }

  /** The lowest user id of {@code range} not in {@code taken}. Pure. */
  static OptionalInt firstFree(LocalSettings.RunAs range, Set<Integer> taken) {
    for (int uid = range.firstUid(); uid <= range.lastUid(); uid++) {
      if (!taken.contains(uid)) {
        return OptionalInt.of(uid);
      }
    }
    return OptionalInt.empty();
  }

  /** Gives root the {@code work*} directories that still belong to {@code uid}, which runs nothing now. */
  private void reclaimDirectoriesOf(int uid) throws IOException {
    if (!Files.isDirectory(workloadsDir)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(workloadsDir)) {
      for (Path dir : dirs.filter(d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)).toList()) {
        try (DirectoryStream<Path> works = Files.newDirectoryStream(dir, WORK_DIR + "*")) {
          for (Path work : works) {
            if (ownerOf(work) == uid) {
              FileModes.giveToRoot(work);
            }
          }
        } catch (NoSuchFileException e) {
          // deleted meanwhile (its job was deleted): nothing of uid left there
        }
      }
    }
  }

  private static int ownerOf(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }
}
