/**
 * The {@code gpucompute.io/v1alpha1} API: the custom resources users apply and the value types they share.
 *
 * <p>Every field carries a {@code @JsonPropertyDescription}; the CRD generator copies it into the OpenAPI
 * schema, where {@code kubectl explain} reads it. Validation that the API server can do at apply time
 * (required fields, minimums, enums, patterns) is declared here with fabric8's generator annotations.
 * This package depends on nothing else of the operator.
 */
package io.gpucompute.api.v1alpha1;
