/**
 * The provider contract: the one interface ({@link io.gpucompute.provider.GpuProvider}) through which the
 * operator runs workloads anywhere, the records it speaks in, and the error taxonomy every adapter maps its
 * failures onto. Adapters live in sub-packages and know the API only through these records and their
 * {@code ProviderConfig} spec. Every adapter passes the abstract {@code GpuProviderContractTest}.
 */
package io.gpucompute.provider;
