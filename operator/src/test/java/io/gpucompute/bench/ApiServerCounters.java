package io.gpucompute.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's own count of the requests it served ({@code apiserver_request_total} on its {@code /metrics}), by
 * resource, subresource and verb, summed over codes and clients, and the time it spent on them
 * ({@code apiserver_request_duration_seconds_sum}). Two scrapes subtracted give what happened between.
 */
record ApiServerCounters(Map<Key, Double> counts, Map<Key, Double> seconds) {

  /** A resource ({@code gpujobs}), its subresource ({@code status}, or empty) and the verb. */
  record Key(String resource, String subresource, String verb) {}

  /** The verbs that change something. apiserver_request_total names them like this in 1.20. */
  static final Set<String> WRITES = Set.of("POST", "CREATE", "PUT", "UPDATE", "PATCH", "APPLY", "DELETE",
      "DELETECOLLECTION");

  /**
   * Resources whose create is a question, not a write: the API server answers a review and stores nothing (the
   * ProviderConfig probe asks a SelfSubjectAccessReview once a minute).
   */
  static final Set<String> REVIEWS = Set.of("selfsubjectaccessreviews", "selfsubjectrulesreviews",
      "subjectaccessreviews", "localsubjectaccessreviews", "tokenreviews");

  private static final Pattern LINE = Pattern.compile(
      "^(apiserver_request_total|apiserver_request_duration_seconds_sum)\\{([^}]*)} ([0-9.eE+-]+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  static ApiServerCounters scrape(KubernetesClient client) {
    Map<Key, Double> counts = new HashMap<>();
    Map<Key, Double> seconds = new HashMap<>();
    for (String line : client.raw("/metrics").split("\n")) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      Key key = new Key(labels.getOrDefault("resource", ""), labels.getOrDefault("subresource", ""),
          labels.getOrDefault("verb", ""));
      (m.group(1).equals("apiserver_request_total") ? counts : seconds)
          .merge(key, Double.parseDouble(m.group(3)), Double::sum);
    }
    return new ApiServerCounters(counts, seconds);
  }

  /** What was counted since {@code earlier}. */
  ApiServerCounters since(ApiServerCounters earlier) {
    Map<Key, Double> delta = new HashMap<>(counts);
    earlier.counts.forEach((k, v) -> delta.merge(k, -v, Double::sum));
    Map<Key, Double> time = new HashMap<>(seconds);
    earlier.seconds.forEach((k, v) -> time.merge(k, -v, Double::sum));
    return new ApiServerCounters(delta, time);
  }

  /** Requests on {@code resource} (any subresource) with a verb in {@code verbs}. */
  long count(String resource, Set<String> verbs) {
    return Math.round(counts.entrySet().stream()
        .filter(e -> e.getKey().resource().equals(resource) && verbs.contains(e.getKey().verb()))
        .mapToDouble(Map.Entry::getValue).sum());
  }

  /** Writes to {@code resource} (any subresource), creates included. */
  long writes(String resource) {
    return count(resource, WRITES);
  }

  /** Creates of {@code resource}. */
  long creates(String resource) {
    return count(resource, Set.of("POST", "CREATE"));
  }

  /** Writes to any resource; the creates of {@link #REVIEWS} are not writes. */
  long allWrites() {
    return Math.round(counts.entrySet().stream().filter(e -> WRITES.contains(e.getKey().verb())
            && !REVIEWS.contains(e.getKey().resource()))
        .mapToDouble(Map.Entry::getValue).sum());
  }

  /** Every count, for a dump: {@code resource/subresource VERB = n}. */
  String describe() {
    StringBuilder out = new StringBuilder();
    counts.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(Key::resource)
            .thenComparing(Key::subresource).thenComparing(Key::verb)))
        .forEach(e -> out.append(String.format("  %s%s %s = %.0f (%.1f ms each at the API server)%n",
            e.getKey().resource(), e.getKey().subresource().isEmpty() ? "" : "/" + e.getKey().subresource(),
            e.getKey().verb(), e.getValue(), 1000 * seconds.getOrDefault(e.getKey(), 0.0) / e.getValue())));
    return out.toString();
  }
}
