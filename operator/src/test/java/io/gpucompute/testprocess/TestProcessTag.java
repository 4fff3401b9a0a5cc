package io.gpucompute.testprocess;

import java.util.Map;

/**
 * The environment variables that mark a process as started by this test run, so that {@link ProcessLeakGuard} can
 * find the ones left running. The build sets {@value #RUN} for the test JVMs (surefire and failsafe), so everything
 * they start inherits it, Local workloads included; what a test starts with an environment of its own (stub
 * containers, the control plane, Keycloak, the quick start) gets both variables through {@link #tag}.
 */
public final class TestProcessTag {

  /** The test run a process belongs to: the build directory of the module under test (and the JVM's fork number). */
  public static final String RUN = "GPUCOMPUTE_TEST_RUN";
  /** What the process is, for the message when one is left running: {@code runpod-stub}, {@code keycloak}, ... */
  public static final String WHAT = "GPUCOMPUTE_TEST_PROCESS";

  private static final String THIS_RUN = runOfThisJvm();

  private TestProcessTag() {}

  /** This JVM's run: {@value #RUN} as the build set it, or one of its own where it is unset (a run from an IDE). */
  public static String run() {
    return THIS_RUN;
  }

  /** Tags an environment that a process is about to be started with: this run, and {@code what} it is. */
  public static void tag(Map<String, String> environment, String what) {
    environment.put(RUN, THIS_RUN);
    environment.put(WHAT, what);
  }

  private static String runOfThisJvm() {
    String configured = System.getenv(RUN);
    return configured == null || configured.isBlank() ? "jvm-" + ProcessHandle.current().pid() : configured;
  }
}
