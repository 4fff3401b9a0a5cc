/**
 * A loopback stand-in for the scheduler and a kubelet, for the end-to-end tests' control plane, which has neither:
 * {@link io.gpucompute.e2e.kubelet.LoopbackKubelet} registers a Node at 127.0.0.1, runs the containers of the pods it
 * binds there as local processes, reports their status, and serves their logs on the port the Node publishes, so
 * that {@code pods/log} works through the real kube-apiserver.
 */
package io.gpucompute.e2e.kubelet;
