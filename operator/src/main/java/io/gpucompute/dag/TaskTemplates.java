package io.gpucompute.dag;

import io.gpucompute.api.v1alpha1.EnvVar;
import io.gpucompute.api.v1alpha1.GpuJobSpec;
import io.gpucompute.api.v1alpha1.GpuJobTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Merges a DAG's {@code spec.defaults} under a task's template into the task's GpuJob spec. A field set in the
 * template wins as a whole (lists and objects included), except {@code env}, which is merged by variable name.
 */
public final class TaskTemplates {

  private TaskTemplates() {}

  /** The GpuJob spec of a task; either argument may be null. Copies lists; shares the nested value objects. */
  public static GpuJobSpec merge(GpuJobTemplate defaults, GpuJobTemplate template) {
    GpuJobTemplate d = defaults == null ? new GpuJobTemplate() : defaults;
    GpuJobTemplate t = template == null ? new GpuJobTemplate() : template;
    GpuJobSpec spec = new GpuJobSpec();
    spec.setProviderConfigRef(pick(t, d, GpuJobTemplate::getProviderConfigRef));
    spec.setImage(pick(t, d, GpuJobTemplate::getImage));
    spec.setCommand(copy(pick(t, d, GpuJobTemplate::getCommand)));
    spec.setArgs(copy(pick(t, d, GpuJobTemplate::getArgs)));
    spec.setEnv(mergeEnv(d.getEnv(), t.getEnv()));
    spec.setImagePullSecrets(copy(pick(t, d, GpuJobTemplate::getImagePullSecrets)));
    spec.setVolumes(copy(pick(t, d, GpuJobTemplate::getVolumes)));
    spec.setGpu(pick(t, d, GpuJobTemplate::getGpu));
    spec.setResources(pick(t, d, GpuJobTemplate::getResources));
    spec.setActiveDeadlineSeconds(pick(t, d, GpuJobTemplate::getActiveDeadlineSeconds));
    spec.setBackoffLimit(pick(t, d, GpuJobTemplate::getBackoffLimit));
    spec.setPriority(pick(t, d, GpuJobTemplate::getPriority));
    spec.setMaxPricePerHour(pick(t, d, GpuJobTemplate::getMaxPricePerHour));
    return spec;
  }

  /**
   * The required GpuJob fields that neither the template nor the defaults set, in the order of the GpuJob schema.
   * Cheaper than {@link #merge}: it copies nothing.
   */
  public static List<String> missingFields(GpuJobTemplate defaults, GpuJobTemplate template) {
    GpuJobTemplate d = defaults == null ? new GpuJobTemplate() : defaults;
    GpuJobTemplate t = template == null ? new GpuJobTemplate() : template;
    List<String> missing = new ArrayList<>(0);
    var ref = pick(t, d, GpuJobTemplate::getProviderConfigRef);
    if (ref == null || ref.getName() == null || ref.getName().isBlank()) {
      missing.add("providerConfigRef");
    }
    String image = pick(t, d, GpuJobTemplate::getImage);
    if (image == null || image.isBlank()) {
      missing.add("image");
    }
    var gpu = pick(t, d, GpuJobTemplate::getGpu);
    if (gpu == null || gpu.getType() == null || gpu.getCount() == null) {
      missing.add("gpu");
    }
    return missing;
  }

  private static <T> T pick(GpuJobTemplate template, GpuJobTemplate defaults, Function<GpuJobTemplate, T> field) {
    T value = field.apply(template);
    return value != null ? value : field.apply(defaults);
  }

  private static <T> List<T> copy(List<T> list) {
    return list == null ? new ArrayList<>() : new ArrayList<>(list);
  }

  /** The defaults' variables in their order, each replaced by the template's of the same name, then the template's others. */
  private static List<EnvVar> mergeEnv(List<EnvVar> defaults, List<EnvVar> template) {
    Map<String, EnvVar> byName = new LinkedHashMap<>();
    for (List<EnvVar> source : List.of(defaults == null ? List.<EnvVar>of() : defaults,
        template == null ? List.<EnvVar>of() : template)) {
      for (EnvVar variable : source) {
        byName.put(variable.getName(), variable);
      }
    }
    return new ArrayList<>(byName.values());
  }
}
