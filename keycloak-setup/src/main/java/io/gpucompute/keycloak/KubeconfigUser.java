package io.gpucompute.keycloak;

import java.nio.file.Path;

/** The kubeconfig user entry with which kubectl signs in through the realm (kubelogin, {@code kubectl oidc-login}). */
final class KubeconfigUser {

  private KubeconfigUser() {}

  /** A kubeconfig fragment for the {@code users:} list, and the command that adds it. */
  static String kubeloginExec(ApiServerOidcFlags flags, Path caFile) {
    String caArgument = caFile == null ? "" : "\n        - --certificate-authority=" + caFile;
    return """
        kubeconfig user (kubelogin; see docs/security.md):
          users:
          - name: oidc
            user:
              exec:
                apiVersion: client.authentication.k8s.io/v1beta1
                command: kubectl
                args:
                - oidc-login
                - get-token
                - --oidc-issuer-url=%s
                - --oidc-client-id=%s%s
                interactiveMode: IfAvailable
        """.formatted(flags.issuerUrl(), flags.clientId(), caArgument);
  }
}
