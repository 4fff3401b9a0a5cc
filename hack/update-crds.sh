#!/usr/bin/env bash
# Regenerates the CRDs from the Java API and copies them to crds/, where kubectl apply -f crds/ finds them,
# and to the Helm chart's crds/; then regenerates the tables of docs/api-reference.md from them.
# CommittedCrdsTest fails the build when crds/ and the generated CRDs differ, ApiReferenceTest when the tables do.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# process-test-classes: the CRD generator runs at process-classes, then the build-only GeneratedCrds (test sources)
# puts their printer columns in declaration order and adds the size limits of SchemaLimits. The test class path is for ApiReference, below.
./mvnw -q -B process-test-classes dependency:build-classpath -pl operator -am \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
generated=operator/target/classes/META-INF/fabric8
for crd in gpujobs.gpucompute.io providerconfigs.gpucompute.io gpudags.gpucompute.io gpubudgets.gpucompute.io; do
  cp "$generated/$crd-v1.yml" "crds/$crd.yaml"
done
# The Helm chart carries the same CRDs (HelmChartTest fails the build when they differ).
mkdir -p helm/gpu-compute-operator/crds
cp crds/*.yaml helm/gpu-compute-operator/crds/
echo "crds/ and helm/gpu-compute-operator/crds/ updated from the Java API"
# The tables of docs/api-reference.md, generated from crds/ by a build tool of the test sources (ApiReferenceTest
# fails the build when they differ).
java -cp "operator/target/test-classes:operator/target/classes:$(cat operator/target/test-classpath.txt)" \
  io.gpucompute.docs.ApiReference "${root}"
