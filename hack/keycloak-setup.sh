#!/usr/bin/env bash
# Sets up a Keycloak realm so that kube-apiserver accepts its ID tokens (OIDC sign-in for kubectl), then prints
# the API server flags and the kubeconfig user that go with it. Idempotent. See docs/security.md.
#
#   KEYCLOAK_ADMIN_PASSWORD=... hack/keycloak-setup.sh --server https://keycloak.example.com \
#     --group team-a --group team-b --group gpu-admins
#   hack/keycloak-setup.sh --help
#
# It runs keycloak-setup/target/gpucompute-keycloak-setup.jar (Java 17+), and builds it first when it is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="${root}/keycloak-setup/target/gpucompute-keycloak-setup.jar"
if [[ ! -f "${jar}" ]]; then
  echo "keycloak-setup: building ${jar#"${root}/"} (once)" >&2
  (cd "${root}" && ./mvnw -q -B -pl keycloak-setup -am package -DskipTests) >&2
fi
exec java -jar "${jar}" "$@"
