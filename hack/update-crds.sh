#!/usr/bin/env bash
# Regenerates the CRDs from the Java API and copies them to crds/, where kubectl apply -f crds/ finds them,
# and to the Helm chart's crds/.
# CommittedCrdsTest fails the build when crds/ and the generated CRDs differ.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# process-test-classes: the CRD generator runs at process-classes, then the build-only PrinterColumnOrder (test
# sources) puts their printer columns in declaration order.
./mvnw -q -B process-test-classes -pl operator -am
generated=operator/target/classes/META-INF/fabric8
for crd in gpujobs.gpucompute.io providerconfigs.gpucompute.io gpudags.gpucompute.io; do
  cp "$generated/$crd-v1.yml" "crds/$crd.yaml"
done
# The Helm chart carries the same CRDs (HelmChartTest fails the build when they differ).
mkdir -p helm/gpu-compute-operator/crds
cp crds/*.yaml helm/gpu-compute-operator/crds/
echo "crds/ and helm/gpu-compute-operator/crds/ updated from the Java API"
