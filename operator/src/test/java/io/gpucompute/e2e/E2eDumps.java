package io.gpucompute.e2e;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Writes what is needed to understand a failed e2e test to
 * {@code operator/target/failsafe-reports/e2e-dumps/<class>.<test>.txt}: the failure, the log of the test JVM
 * (the in-process operator's) since the test began, {@code kubectl get gpujobs,providerconfigs -A -o yaml} and
 * {@code kubectl get events -A}.
 *
 * <p>The cluster is captured right after the test method fails, before its {@code @AfterEach} cleanup deletes the
 * objects; the {@link TestWatcher} callback, which runs after the cleanup, writes the file (and captures the
 * cluster then, too, when the failure came from the cleanup itself).
 */
public final class E2eDumps implements BeforeEachCallback, AfterTestExecutionCallback, TestWatcher {

  private static final Namespace NAMESPACE = Namespace.create(E2eDumps.class);
  private static final String AT_FAILURE = "snapshot-at-failure";
  private static final Duration KUBECTL_TIMEOUT = Duration.ofSeconds(30);

  @Override
  public void beforeEach(ExtensionContext context) {
    OperatorLog.install().clear();
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      context.getStore(NAMESPACE).put(AT_FAILURE, snapshot(context, "right after the test failed"));
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    StringBuilder dump = new StringBuilder();
    dump.append("Test: ").append(context.getDisplayName()).append(" in ")
        .append(context.getRequiredTestClass().getName()).append('\n')
        .append("Written: ").append(Instant.now()).append('\n')
        .append("Control plane logs (kept until the next run): operator/target/control-plane/logs/\n")
        .append("\n== Failure ==\n").append(stackTrace(cause));
    String atFailure = context.getStore(NAMESPACE).get(AT_FAILURE, String.class);
    if (atFailure != null) {
      dump.append(atFailure);
    }
    dump.append(snapshot(context, "after the test's cleanup"));
    dump.append("\n== Log of the test JVM (the in-process operator) since the test began ==\n")
        .append(OperatorLog.install().text());
    Path file = ControlPlaneExtension.repoRoot().resolve("operator/target/failsafe-reports/e2e-dumps")
        .resolve(context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName()
            + ".txt");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, dump);
      System.err.println("e2e: " + context.getDisplayName() + " failed; dump written to " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  private static String snapshot(ExtensionContext context, String when) {
    ControlPlane plane = ControlPlaneExtension.startedControlPlane(context);
    StringBuilder out = new StringBuilder("\n== Cluster state " + when + " (" + Instant.now() + ") ==\n");
    if (plane == null) {
      return out.append("(no control plane was running)\n").toString();
    }
    for (String[] args : new String[][] {
        {"get", "gpujobs,providerconfigs", "-A", "-o", "wide"},
        {"get", "gpujobs,providerconfigs", "-A", "-o", "yaml"},
        {"get", "events", "-A", "--sort-by=.lastTimestamp"},
        {"get", "namespaces"}}) {
      out.append("\n$ kubectl ").append(String.join(" ", args)).append('\n');
      try {
        Kubectl.Result result = plane.kubectl().run(KUBECTL_TIMEOUT, args);
        out.append(result.stdout()).append(result.stderr());
        if (!result.succeeded()) {
          out.append("(exit ").append(result.exitCode()).append(")\n");
        }
      } catch (RuntimeException | AssertionError e) {
        out.append("(failed: ").append(e.getMessage()).append(")\n");
      }
    }
    return out.toString();
  }

  private static String stackTrace(Throwable cause) {
    StringWriter text = new StringWriter();
    Optional.ofNullable(cause).ifPresent(c -> c.printStackTrace(new PrintWriter(text)));
    return text.toString();
  }
}
