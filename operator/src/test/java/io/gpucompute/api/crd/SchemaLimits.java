package io.gpucompute.api.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.gpucompute.status.Conditions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The size limits of every string, list and map of the gpucompute.io CRDs, in one table: the API server refuses an
 * object beyond them and names the field, so no object carries megabytes into etcd and into every informer's cache.
 * The build writes them into the generated CRDs (the annotations of the Java API cannot reach list items, map values
 * or the Kubernetes types the API embeds), and fails on a string, list or map that no rule covers, so a new field
 * needs a limit. docs/api-reference.md lists {@link #RULES} (a test keeps it equal).
 *
 * <p>The limits are generous: a Kubernetes name is 253 characters, a label value 63; an argv item holds an inline
 * script of 16 KiB; status texts hold far more than the operator writes.
 */
public final class SchemaLimits {

  /**
   * One limit: {@code maxLength} of a string, {@code maxItems} of a list, {@code maxProperties} of a map.
   *
   * @param fields the fields it covers, as docs/api-reference.md names them
   * @param path the paths it covers in a CRD's schema ({@code []} an item, {@code {}} a map value)
   * @param limit the most characters, items or entries
   */
  public record Rule(String fields, Pattern path, long limit) {
    static Rule of(String fields, String path, long limit) {
      return new Rule(fields, Pattern.compile(path), limit);
    }
  }

  /** The GpuJob spec fields, in a GpuJob and in a GpuDag's defaults and task templates. */
  private static final String JOB = "spec(\\.defaults|\\.tasks\\[\\]\\.template)?\\.";
  /** A label selector's or node selector's parts. */
  private static final long LABEL_KEY = 317;
  private static final long LABEL_VALUE = 63;
  private static final long NAME = 253;
  private static final long SHORT = 63;

  /** Every limit, the first matching rule wins. */
  public static final List<Rule> RULES = List.of(
      Rule.of("GpuJob `image`", JOB + "image", 1024),
      Rule.of("GpuJob `command`: items", JOB + "command", 64),
      Rule.of("GpuJob `args`: items", JOB + "args", 256),
      Rule.of("GpuJob `command[]`, `args[]`: one item", JOB + "(command|args)\\[\\]", 16384),
      Rule.of("GpuJob `env`: variables", JOB + "env", 256),
      Rule.of("GpuJob `env[].value`", JOB + "env\\[\\]\\.value", 32768),
      Rule.of("GpuJob `env[].name`, `secretKeyRef.name`, `secretKeyRef.key`, `providerConfigRef.name`",
          JOB + "(env\\[\\]\\.(name|valueFrom\\.secretKeyRef\\.(name|key))|providerConfigRef\\.name)", NAME),
      Rule.of("GpuJob `gpu.type`", JOB + "gpu\\.type", SHORT),
      Rule.of("GpuJob `maxPricePerHour`", JOB + "maxPricePerHour", 32),
      Rule.of("GpuJob `imagePullSecrets`, `volumes`: items", JOB + "(imagePullSecrets|volumes)", 16),
      Rule.of("GpuJob `imagePullSecrets[].name`, `volumes[].source.persistentVolumeClaim.claimName`",
          JOB + "(imagePullSecrets\\[\\]\\.name|volumes\\[\\]\\.source\\.persistentVolumeClaim\\.claimName)", NAME),
      Rule.of("GpuJob `volumes[].name`", JOB + "volumes\\[\\]\\.name", SHORT),
      Rule.of("GpuJob `volumes[].mountPath`, `volumes[].source.provider.id`",
          JOB + "volumes\\[\\]\\.(mountPath|source\\.provider\\.id)", 1024),
      Rule.of("GpuJob `placement.providers`, `placement.selector.matchLabels`, `matchExpressions`, "
          + "`matchExpressions[].values`: entries",
          JOB + "placement\\.(providers|selector\\.(matchLabels|matchExpressions|matchExpressions\\[\\]\\.values))", 64),
      Rule.of("GpuJob `placement.providers[]`", JOB + "placement\\.providers\\[\\]", NAME),
      Rule.of("GpuJob `placement.selector.matchExpressions[].key`",
          JOB + "placement\\.selector\\.matchExpressions\\[\\]\\.key", LABEL_KEY),
      Rule.of("GpuJob `placement.selector.matchLabels{}`, `matchExpressions[].values[]`",
          JOB + "placement\\.selector\\.(matchLabels\\{\\}|matchExpressions\\[\\]\\.values\\[\\])", LABEL_VALUE),
      Rule.of("GpuJob `placement.selector.matchExpressions[].operator`",
          JOB + "placement\\.selector\\.matchExpressions\\[\\]\\.operator", 32),
      Rule.of("GpuDag `tasks`, `tasks[].dependsOn`, `status.tasks.*`: items",
          "(spec\\.tasks|spec\\.tasks\\[\\]\\.dependsOn|status\\.tasks\\.\\w+)", 10_000),
      Rule.of("GpuDag `tasks[].name`, `tasks[].dependsOn[]`, `status.tasks.*[]`",
          "(spec\\.tasks\\[\\]\\.name|spec\\.tasks\\[\\]\\.dependsOn\\[\\]|status\\.tasks\\.\\w+\\[\\])", SHORT),
      Rule.of("ProviderConfig `kubernetes.spot`, `tencent.spot`: `nodeSelector`, `tolerations`: entries",
          "spec\\.(kubernetes|tencent)\\.spot\\.(nodeSelector|tolerations)", 64),
      Rule.of("ProviderConfig spot `tolerations[].key`", "spec\\.(kubernetes|tencent)\\.spot\\.tolerations\\[\\]\\.key",
          LABEL_KEY),
      Rule.of("ProviderConfig spot `nodeSelector{}`, `tolerations[].value`",
          "spec\\.(kubernetes|tencent)\\.spot\\.(nodeSelector\\{\\}|tolerations\\[\\]\\.value)", LABEL_VALUE),
      Rule.of("ProviderConfig spot `tolerations[].operator`, `tolerations[].effect`, `currency.code`, "
          + "`currency.usdPerUnit`, `prices[].spotPricePerHour`",
          "spec\\.((kubernetes|tencent)\\.spot\\.tolerations\\[\\]\\.(operator|effect)|currency\\.(code|usdPerUnit)"
              + "|prices\\[\\]\\.spotPricePerHour)", 32),
      Rule.of("ProviderConfig `local.allowedHostPaths`: entries", "spec\\.local\\.allowedHostPaths", 64),
      Rule.of("ProviderConfig `local.allowedHostPaths[]`", "spec\\.local\\.allowedHostPaths\\[\\]", 4096),
      Rule.of("ProviderConfig `logArchive.bucket`, `logArchive.region`, `logArchive.credentialsSecretRef.namespace`",
          "spec\\.logArchive\\.(bucket|region|credentialsSecretRef\\.namespace)", SHORT),
      Rule.of("ProviderConfig `logArchive.credentialsSecretRef.name`", "spec\\.logArchive\\.credentialsSecretRef\\.name",
          NAME),
      Rule.of("ProviderConfig `logArchive.endpoint`", "spec\\.logArchive\\.endpoint", 2048),
      Rule.of("ProviderConfig `logArchive.prefix`", "spec\\.logArchive\\.prefix", 256),
      Rule.of("ProviderConfig `credentialsSecretRef.namespace`, `region`, `kubernetes.namespace`, "
          + "`tencent.clusterId`, `tencent.namespace`, `alibaba.zoneId`",
          "spec\\.(credentialsSecretRef\\.namespace|region|kubernetes\\.namespace|tencent\\.(clusterId|namespace)"
              + "|alibaba\\.zoneId)", SHORT),
      Rule.of("ProviderConfig `credentialsSecretRef.name`, `kubernetes.runtimeClassName`, "
          + "`kubernetes.priorityClassName`",
          "spec\\.(credentialsSecretRef\\.name|kubernetes\\.(runtimeClassName|priorityClassName))", NAME),
      Rule.of("ProviderConfig `endpoint`", "spec\\.endpoint", 2048),
      Rule.of("ProviderConfig `allowedNamespaces.matchLabels`, `matchExpressions`, `matchExpressions[].values`, "
          + "`kubernetes.nodeSelectors` (and each one's labels), `tencent.gpuNodeSelectors` (likewise), "
          + "`kubernetes.tolerations`, `prices`, `local.gpus`, `alibaba.instanceTypes`: entries",
          "spec\\.(allowedNamespaces\\.(matchLabels|matchExpressions|matchExpressions\\[\\]\\.values)"
              + "|kubernetes\\.(nodeSelectors(\\{\\})?|tolerations)|tencent\\.gpuNodeSelectors(\\{\\})?"
              + "|prices|local\\.gpus|alibaba\\.instanceTypes)", 64),
      Rule.of("ProviderConfig label and toleration keys: `matchExpressions[].key`, `tolerations[].key`",
          "spec\\.(allowedNamespaces\\.matchExpressions\\[\\]\\.key|kubernetes\\.tolerations\\[\\]\\.key)", LABEL_KEY),
      Rule.of("ProviderConfig label values: `matchLabels{}`, `matchExpressions[].values[]`, node selector labels, "
          + "`tolerations[].value`",
          "spec\\.(allowedNamespaces\\.(matchLabels\\{\\}|matchExpressions\\[\\]\\.values\\[\\])"
              + "|kubernetes\\.(nodeSelectors\\{\\}\\{\\}|tolerations\\[\\]\\.value)"
              + "|tencent\\.gpuNodeSelectors\\{\\}\\{\\})", LABEL_VALUE),
      Rule.of("ProviderConfig `matchExpressions[].operator`, `tolerations[].operator`, `tolerations[].effect`",
          "spec\\.(allowedNamespaces\\.matchExpressions\\[\\]\\.operator"
              + "|kubernetes\\.tolerations\\[\\]\\.(operator|effect))", 32),
      Rule.of("ProviderConfig `prices[].gpuType`, `local.gpus[].type`, `alibaba.instanceTypes[].gpuType`",
          "spec\\.(prices\\[\\]\\.gpuType|local\\.gpus\\[\\]\\.type|alibaba\\.instanceTypes\\[\\]\\.gpuType)", SHORT),
      Rule.of("ProviderConfig `prices[].pricePerHour`, `alibaba.spotPriceLimit`",
          "spec\\.(prices\\[\\]\\.pricePerHour|alibaba\\.spotPriceLimit)", 32),
      Rule.of("ProviderConfig `runpod.endpointId`, `alibaba.securityGroupId`, `alibaba.vSwitchId`, "
          + "`alibaba.keyPairName`, `alibaba.instanceTypes[].instanceType`",
          "spec\\.(runpod\\.endpointId|alibaba\\.(securityGroupId|vSwitchId|keyPairName|instanceTypes\\[\\]"
              + "\\.instanceType))", 128),
      Rule.of("ProviderConfig `alibaba.imageId`", "spec\\.alibaba\\.imageId", 256),
      Rule.of("GpuJob `status.earlierAttempts`, `status.placement.candidates`, `status.placement.skips`: items",
          "status\\.(earlierAttempts|placement\\.(candidates|skips))", 64),
      Rule.of("GpuJob `status.logs`: items", "status\\.logs", 128),
      Rule.of("GpuJob `status.logs[].url`, `status.logs[].endpoint`", "status\\.logs\\[\\]\\.(url|endpoint)", 2048),
      Rule.of("GpuJob ProviderConfig names and uids in `status.workload`, `status.earlierAttempts[]`, "
          + "`status.placement`",
          "status\\.((workload|earlierAttempts\\[\\])\\.(providerConfig|providerConfigUid)"
              + "|placement\\.(providerConfig|candidates\\[\\]\\.providerConfig|skips\\[\\]\\.providerConfig))", NAME),
      Rule.of("GpuJob `status.workload.workload`", "status\\.workload\\.workload", 512),
      Rule.of("GpuJob `status.placement` prices, reasons and times",
          "status\\.placement\\.(pricePerHour|candidates\\[\\]\\.pricePerHour|skips\\[\\]\\.until)", 64),
      Rule.of("GpuJob `status.placement` messages and reasons",
          "status\\.placement\\.(message|(candidates|skips)\\[\\]\\.(message|reason))", 1024),
      Rule.of("GpuBudget `limit`", "spec\\.limit", 20),
      Rule.of("GpuBudget `gpuLimits`: items", "spec\\.gpuLimits", 32),
      Rule.of("GpuBudget `gpuLimits[].gpuType`, `jobLabels{}`", "spec\\.(gpuLimits\\[\\]\\.gpuType|jobLabels\\{\\})",
          SHORT),
      Rule.of("GpuBudget `jobLabels`: entries", "spec\\.jobLabels", 16),
      Rule.of("GpuBudget `status.gpusInUse`: items", "status\\.gpusInUse", 64),
      Rule.of("GpuBudget `status.users`: lines", "status\\.users", 21),
      Rule.of("GpuBudget `status.settlements`: entries", "status\\.settlements", 256),
      Rule.of("GpuJob `status.budgets`: records", "status\\.budgets", 16),
      Rule.of("GpuBudget status amounts, times and ledger ids; GpuJob `status.budgets[]` uids, amounts and periods",
          "status\\.(periodStart|periodEnd|spent|committed|reserved|remaining|users\\[\\]\\.spent"
              + "|settlements\\[\\]\\.(jobUid|chargedTo)|budgets\\[\\]\\.(budgetUid|charged|period))", 64),
      Rule.of("GpuBudget `status.gpusInUse[].gpuType`, `settlements[].job`; GpuJob `status.budgets[].budget`",
          "status\\.(gpusInUse\\[\\]\\.gpuType|settlements\\[\\]\\.job|budgets\\[\\]\\.budget)", NAME),
      Rule.of("GpuBudget `status.users[].provider`", "status\\.users\\[\\]\\.provider", 512),
      Rule.of("GpuBudget `status.users[].user`", "status\\.users\\[\\]\\.user", 1024),
      Rule.of("`status.conditions`: conditions", "status\\.conditions", 16),
      Rule.of("`status.conditions[].type`", "status\\.conditions\\[\\]\\.type", 316),
      Rule.of("`status.conditions[].status`, `lastTransitionTime`; the status times and amounts",
          "status\\.(conditions\\[\\]\\.(status|lastTransitionTime)|startTime|attemptStartTime|retryAfter"
              + "|completionTime|pricePerHour|estimatedCost|accruedCost|settledCost|progress"
              + "|offers\\[\\]\\.(pricePerHour|spotPricePerHour))", 64),
      Rule.of("`status.conditions[].reason`", "status\\.conditions\\[\\]\\.reason", 1024),
      Rule.of("`status.conditions[].message`, `status.message`", "status\\.(conditions\\[\\]\\.message|message)",
          Conditions.MAX_MESSAGE),
      Rule.of("GpuJob `status.logTail`", "status\\.logTail", 1_048_576),
      Rule.of("GpuJob `status.provider`, `status.gpu`, `status.externalId`; ProviderConfig `status.offers`, "
          + "`offers[].gpuType`, `offers[].providerName`",
          "status\\.(provider|gpu|externalId|offers|offers\\[\\]\\.(gpuType|providerName))", 512));

  private SchemaLimits() {}

  /**
   * Writes the limits into every version's schema of {@code crd}.
   *
   * @throws IllegalStateException naming every string, list or map that no rule covers
   */
  public static void apply(CustomResourceDefinition crd) {
    List<String> uncovered = new ArrayList<>();
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      for (String part : List.of("spec", "status")) {
        Optional.ofNullable(root.getProperties().get(part)).ifPresent(schema -> walk(schema, part, uncovered));
      }
    }
    if (!uncovered.isEmpty()) {
      throw new IllegalStateException(crd.getMetadata().getName() + ": no size limit for " + uncovered
          + "; add a rule to " + SchemaLimits.class.getName());
    }
  }

  /** The limit for {@code path}, if a rule covers it. Pure. */
  public static Optional<Long> limitFor(String path) {
    return RULES.stream().filter(rule -> rule.path().matcher(path).matches()).map(Rule::limit).findFirst();
  }

  private static void walk(JSONSchemaProps schema, String path, List<String> uncovered) {
    String type = schema.getType();
    if ("string".equals(type) && (schema.getEnum() == null || schema.getEnum().isEmpty())) {
      limitFor(path).ifPresentOrElse(schema::setMaxLength, () -> uncovered.add(path));
    } else if ("array".equals(type)) {
      limitFor(path).ifPresentOrElse(schema::setMaxItems, () -> uncovered.add(path));
      walk(schema.getItems().getSchema(), path + "[]", uncovered);
    } else if ("object".equals(type)) {
      if (schema.getAdditionalProperties() != null && schema.getAdditionalProperties().getSchema() != null) {
        limitFor(path).ifPresentOrElse(schema::setMaxProperties, () -> uncovered.add(path));
        walk(schema.getAdditionalProperties().getSchema(), path + "{}", uncovered);
      }
      Map<String, JSONSchemaProps> properties = schema.getProperties();
      if (properties != null) {
        properties.forEach((name, property) -> walk(property, path + "." + name, uncovered));
      }
    }
  }
}
