package io.gpucompute.operator.leader;

import io.gpucompute.provider.GpuProvider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * A {@link GpuProvider} that refuses every call into the provider unless {@link Leadership#confirmed()}: a replica
 * whose renew deadline has passed calls no provider, even from a reconcile that was already running. Only
 * {@code watch} and {@code close} pass always; they call nothing at the provider.
 *
 * <p>A dynamic proxy, so that it guards every method of the provider contract as the contract grows, without a
 * delegating method to keep in step with each.
 */
public final class LeaderOnlyProvider {

  private static final Set<String> ALWAYS_ALLOWED = Set.of("watch", "close");

  /** Why a provider call was refused. Unchecked: the reconcile fails and is retried, by the next leader. */
  public static final class NotLeaderException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    NotLeaderException(String message) {
      super(message);
    }
  }

  private LeaderOnlyProvider() {}

  /** {@code provider}, refusing its calls while {@code leadership} is not confirmed. */
  public static GpuProvider wrap(GpuProvider provider, Leadership leadership) {
    return (GpuProvider) Proxy.newProxyInstance(GpuProvider.class.getClassLoader(), new Class<?>[] {GpuProvider.class},
        (proxy, method, args) -> {
          if (guarded(method) && !leadership.confirmed()) {
            throw new NotLeaderException("not calling the provider (" + method.getName() + "): this replica is not "
                + "the confirmed leader");
          }
          try {
            return method.invoke(provider, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static boolean guarded(Method method) {
    return method.getDeclaringClass() != Object.class && !ALWAYS_ALLOWED.contains(method.getName());
  }
}
