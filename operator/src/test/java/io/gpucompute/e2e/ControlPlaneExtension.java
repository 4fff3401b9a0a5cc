package io.gpucompute.e2e;

import io.gpucompute.testprocess.ProcessLeakGuard;
import io.gpucompute.testprocess.RunProcesses;
import io.gpucompute.testprocess.TaggedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real control plane per test run ({@code hack/control-plane.sh up}, state in
 * {@code operator/target/control-plane}), shared by every {@link E2eTest} class and stopped ({@code down}) when
 * the run ends; resolves {@link ControlPlane} parameters.
 *
 * <p>When the control plane cannot be started, {@code up} runs once and every e2e class fails with its message.
 * Only {@code GPUCOMPUTE_E2E_SKIP=true} skips the tests: each one, as a failed assumption that says why (so the
 * report counts them as skipped), and no control plane is started.
 */
public final class ControlPlaneExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  /** Set to {@code true} to skip the e2e tests on purpose. */
  public static final String SKIP_ENV = "GPUCOMPUTE_E2E_SKIP";
  private static final Namespace NAMESPACE = Namespace.create(ControlPlaneExtension.class);

  private static final String SKIP_REASON =
      SKIP_ENV + "=true: skipping the end-to-end tests, which need a real control plane (hack/control-plane.sh)";

  /**
   * Whether the e2e tests are skipped on purpose ({@value #SKIP_ENV}{@code =true}). A class that starts more than the
   * shared control plane in its {@code @BeforeAll} (a Keycloak, a stub, a second control plane) checks it first.
   */
  public static boolean skipped() {
    return "true".equalsIgnoreCase(System.getenv(SKIP_ENV));
  }

  /**
   * Starts the control plane (once per run) before the first e2e class, unless the tests are skipped, and from then
   * on checks every log line for the {@link SecretCanary}.
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    if (skipped()) {
      System.out.println("e2e: " + SKIP_REASON + " (" + context.getDisplayName() + ")");
      return;
    }
    SecretCanary.watchLogs();
    controlPlane(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Assumptions.assumeFalse(skipped(), SKIP_REASON);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ControlPlane.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return controlPlane(context);
  }

  /** The run's control plane, started on first use; throws the startup failure (every time) when it failed. */
  static ControlPlane controlPlane(ExtensionContext context) {
    return startup(context).get();
  }

  /** The run's control plane when one was started successfully, else null; never starts one. */
  static ControlPlane startedControlPlane(ExtensionContext context) {
    Startup startup = context.getRoot().getStore(NAMESPACE).get(Startup.class, Startup.class);
    return startup == null ? null : startup.plane;
  }

  private static Startup startup(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Startup.class, k -> Startup.attempt(),
        Startup.class);
  }

  /** The outcome of the one attempt to start the control plane: closed by JUnit when the run ends. */
  private static final class Startup implements ExtensionContext.Store.CloseableResource {
    private final ControlPlane plane;
    private final RuntimeException failure;

    private Startup(ControlPlane plane, RuntimeException failure) {
      this.plane = plane;
      this.failure = failure;
    }

    static Startup attempt() {
      try {
        Path repoRoot = repoRoot();
        Path stateDir = repoRoot.resolve("operator/target/control-plane");
        // It serves every e2e class, so no class is blamed for its processes; close() checks they are gone.
        ProcessLeakGuard.outlivesClasses(ControlPlane.processTag(stateDir));
        Duration timeout = Duration.ofSeconds(Long.parseLong(
            System.getenv().getOrDefault("GPUCOMPUTE_E2E_UP_TIMEOUT_SECONDS", "1800")));
        return new Startup(ControlPlane.start(repoRoot, stateDir, timeout), null);
      } catch (RuntimeException e) {
        return new Startup(null, e);
      }
    }

    ControlPlane get() {
      if (failure != null) {
        throw new AssertionError("no control plane for the end-to-end tests: " + failure.getMessage(), failure);
      }
      return plane;
    }

    /** Stops the control plane ({@code down}), and fails when any of its processes is still running after it. */
    @Override
    public void close() {
      if (plane == null) {
        return;
      }
      plane.close();
      String tag = ControlPlane.processTag(plane.stateDir());
      List<TaggedProcess> left = RunProcesses.awaitGoneOrKill(p -> tag.equals(p.what()), Duration.ofSeconds(15));
      if (!left.isEmpty()) {
        throw new AssertionError("the shared control plane left " + left.size() + " process(es) running after"
            + " hack/control-plane.sh down (now killed):\n  "
            + String.join("\n  ", left.stream().map(TaggedProcess::describe).toList()));
      }
    }
  }

  /** The repository root: the first directory from the working directory up that holds hack/control-plane.sh. */
  public static Path repoRoot() {
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("hack/control-plane.sh"))) {
        return dir;
      }
    }
    throw new IllegalStateException("found no hack/control-plane.sh in " + start + " or above");
  }
}
