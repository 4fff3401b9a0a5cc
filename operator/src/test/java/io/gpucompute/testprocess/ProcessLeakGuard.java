package io.gpucompute.testprocess;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * Fails a test class that leaves a process of this run ({@link TestProcessTag}) running: a Local workload, a stub's
 * container, a Keycloak, a control plane, anything the class started. Registered for every test class (JUnit's
 * extension auto-detection, {@code junit-platform.properties}).
 *
 * <p>Before the class it notes the run's live processes; once the class has ended (after its {@code @AfterAll}
 * methods, its extensions and the other resources of its store are closed) it waits a while for the processes the
 * class started to end, then kills those left and fails the class, naming each. Processes that serve the whole run
 * (the shared control plane) are registered with {@link #outlivesClasses} and checked by their owner when it stops
 * them.
 */
public final class ProcessLeakGuard implements BeforeAllCallback {

  /** How long a class's processes may take to end after it: a Local workload's SIGTERM grace, a JVM's exit. */
  static final Duration PATIENCE = Duration.ofSeconds(15);

  private static final Namespace NAMESPACE = Namespace.create(ProcessLeakGuard.class);
  private static final Set<String> RUN_WIDE = ConcurrentHashMap.newKeySet();

  /** Marks the processes tagged {@code what} as serving the whole run: no class is blamed for them. */
  public static void outlivesClasses(String what) {
    RUN_WIDE.add(what);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Set<String> before = RunProcesses.live().stream().map(ProcessLeakGuard::identity).collect(Collectors.toSet());
    // Stored first, so closed last: after everything else the class registered in its store.
    context.getStore(NAMESPACE).put(ClassEnd.class,
        (ExtensionContext.Store.CloseableResource) () -> assertNoneLeft(context.getDisplayName(), before));
  }

  private static void assertNoneLeft(String testClass, Set<String> before) {
    List<TaggedProcess> left = RunProcesses.awaitGoneOrKill(
        p -> !before.contains(identity(p)) && (p.what() == null || !RUN_WIDE.contains(p.what())), PATIENCE);
    if (!left.isEmpty()) {
      throw new AssertionError(testClass + " left " + left.size() + " process(es) running " + PATIENCE.toSeconds()
          + " s after it ended (now killed):\n  " + left.stream().map(TaggedProcess::describe)
          .collect(Collectors.joining("\n  ")));
    }
  }

  private static String identity(TaggedProcess process) {
    return process.pid() + "@" + process.startTicks();
  }

  /** The key of the class-end check in the class's store. */
  private static final class ClassEnd {}
}
