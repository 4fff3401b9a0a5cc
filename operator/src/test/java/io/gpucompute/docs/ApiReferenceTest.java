package io.gpucompute.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/api-reference.md's tables are what {@link ApiReference} generates from the committed crds/: a field added,
 * removed or given new validation in the Java API shows in the reference once hack/update-crds.sh has run, and the
 * build fails until it has.
 */
class ApiReferenceTest {

  private static final Path REPO_ROOT = DocLinksTest.REPO_ROOT;

  @Test
  void theCommittedApiReferenceIsTheOneGeneratedFromTheCommittedCrds() throws Exception {
    String committed = Files.readString(REPO_ROOT.resolve(ApiReference.DOCUMENT));

    assertThat(ApiReference.render(committed, REPO_ROOT))
        .as("docs/api-reference.md differs from what its generated tables would be; run hack/update-crds.sh")
        .isEqualTo(committed);
  }

  @Test
  void everyKindHasItsSpecStatusAndPrinterColumnsGenerated() throws Exception {
    String committed = Files.readString(REPO_ROOT.resolve(ApiReference.DOCUMENT));

    for (String crd : new String[] {"gpujobs", "providerconfigs", "gpudags"}) {
      for (String section : new String[] {"spec", "status", "printer columns"}) {
        assertThat(committed).contains("<!-- generated: " + section + " of crds/" + crd + ".gpucompute.io.yaml -->");
      }
    }
    assertThat(committed).contains("<!-- generated: names of crds/ -->");
  }

  @Test
  void theTablesCarryTheSchemasValidation() throws Exception {
    String committed = Files.readString(REPO_ROOT.resolve(ApiReference.DOCUMENT));

    assertThat(committed)
        .contains("| `alibaba.securityGroupId` | string | yes |  | pattern `^sg-[A-Za-z0-9]+$`; length ≤ 128 |")
        .contains("| `alibaba.imageId` | string |  |  | pattern `^[A-Za-z0-9][A-Za-z0-9_.:-]*$`; length ≤ 256 |")
        .contains("| `gpu.count` | integer | yes |  | 1–64 |")
        .contains("| `type` | string | yes |  | one of `AlibabaECS`, `Kubernetes`, `Local`, `RunPod`, `TencentTKE` |");
  }
}
