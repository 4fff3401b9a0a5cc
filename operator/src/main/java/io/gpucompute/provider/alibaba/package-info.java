/**
 * The AlibabaECS provider: each job attempt runs on one GPU ECS instance, created with {@code RunInstances} through
 * the official Alibaba Cloud Java SDK, whose UserData runs the job's container once with Docker and the NVIDIA
 * runtime and records its exit code on the instance. The adapter reads the instance's status from
 * {@code DescribeInstances}, the exit code and a log tail through Cloud Assistant ({@code RunCommand} then
 * {@code DescribeInvocationResults}), and releases the instance with {@code DeleteInstances} (Force) as soon as the
 * job ends or is cancelled.
 *
 * <p>Idempotency: the {@code ClientToken} of RunInstances is the attempt's {@code workloadName()}, and the instance
 * carries a tag with it; submit looks the instance up by that tag before creating one, and a retried RunInstances
 * with the same token returns the same instance.
 */
package io.gpucompute.provider.alibaba;
