/**
 * End-to-end tests: the operator, in-process, against a real Kubernetes control plane (etcd, kube-apiserver and
 * kube-controller-manager from {@code hack/control-plane.sh}), driven with the real {@code kubectl}.
 *
 * <p>Run them with {@code ./mvnw verify} (failsafe runs the {@code *IT} classes of this package). Once per run,
 * {@link io.gpucompute.e2e.ControlPlaneExtension} starts a control plane in {@code operator/target/control-plane}
 * ({@code hack/control-plane.sh up}), installs the committed CRDs of {@code crds/}, and stops it at the end
 * ({@code down}). Each test starts its own operator with a fresh Local-provider state directory and fast timings,
 * works in its own namespace and deletes what it created.
 *
 * <p>The control plane has no scheduler and no kubelet. Tests that need pods to run register a
 * {@link io.gpucompute.e2e.kubelet.LoopbackKubelet} for their namespace
 * ({@link io.gpucompute.e2e.LoopbackKubeletExtension}): it binds the pods, runs their containers as local
 * processes, reports their status and serves their logs to the API server ({@code KubernetesProviderContractIT},
 * {@code TencentTkeProviderContractIT}).
 *
 * <p>Nothing is skipped silently: when the control plane cannot start (for example because
 * kube-apiserver/kube-controller-manager cannot be found or built; see {@code hack/install-deps.sh}), every test
 * fails with the script's message. To skip the suite on purpose, where no control plane can run, set the
 * environment variable {@code GPUCOMPUTE_E2E_SKIP=true}: the tests are then reported as skipped, with that
 * reason.
 *
 * <p>Other environment variables: {@code GPUCOMPUTE_E2E_KUBECTL} (the kubectl to use; default
 * {@code /usr/bin/kubectl} when present, else {@code kubectl} on the PATH) and
 * {@code GPUCOMPUTE_E2E_UP_TIMEOUT_SECONDS} (how long {@code up} may take, default 1800: the first run may build
 * the binaries).
 *
 * <p>No process outlives its class: every process a test starts carries this run's {@code GPUCOMPUTE_TEST_RUN} (set
 * by the build, inherited; or set with a {@code GPUCOMPUTE_TEST_PROCESS} tag by {@code TestProcessTag} where a test
 * builds the environment itself), and {@code ProcessLeakGuard} fails a class that leaves one running. The shared
 * control plane is checked when it stops. {@code QuickstartIT} runs {@code hack/quickstart.sh} and its
 * {@code down} in {@code operator/target/quickstart-it}, with a control plane of its own.
 *
 * <p>When a test fails, {@link io.gpucompute.e2e.E2eDumps} writes the operator's log, the gpucompute objects and
 * the Events of the cluster to {@code operator/target/failsafe-reports/e2e-dumps/<class>.<test>.txt}.
 */
package io.gpucompute.e2e;
