/**
 * Keeping secret values inside the operator: {@link io.gpucompute.secrets.SecretValues} remembers every value the
 * operator read from a Secret, and {@link io.gpucompute.secrets.Scrubber} replaces them with {@code ***} in any text
 * that leaves the process (status messages, Events, log lines) and bounds text that came from outside.
 */
package io.gpucompute.secrets;
