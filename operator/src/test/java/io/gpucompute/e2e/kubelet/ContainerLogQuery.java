package io.gpucompute.e2e.kubelet;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What a request to a kubelet's {@code /containerLogs/...} asks for, of the query parameters the API server passes on
 * from {@code pods/log}: {@code tailLines} (only the last lines) and then {@code limitBytes} (only the first bytes of
 * those), as the kubelet applies them. {@code follow} and {@code timestamps} are accepted and not honoured: the log
 * is returned as it is now, without timestamps.
 *
 * @param tailLines the number of lines from the end to return, or null for all
 * @param limitBytes the most bytes to return, or null for no limit
 */
record ContainerLogQuery(Integer tailLines, Long limitBytes) {

  /** The query of a raw (still encoded) query string; null or empty means everything. */
  static ContainerLogQuery parse(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        int equals = pair.indexOf('=');
        String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
        String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
        params.put(name, value);
      }
    }
    return new ContainerLogQuery(params.containsKey("tailLines") ? Integer.valueOf(params.get("tailLines")) : null,
        params.containsKey("limitBytes") ? Long.valueOf(params.get("limitBytes")) : null);
  }

  /** The part of {@code log} (the whole output so far) this query asks for. */
  byte[] apply(byte[] log) {
    int start = tailLines == null ? 0 : startOfLastLines(log, tailLines);
    long end = limitBytes == null ? log.length : Math.min(log.length, start + limitBytes);
    return Arrays.copyOfRange(log, start, (int) end);
  }

  /** Where the last {@code lines} lines begin; a final line without a newline counts as a line. */
  private static int startOfLastLines(byte[] log, int lines) {
    if (lines <= 0) {
      return log.length;
    }
    int seen = 0;
    int i = log.length - 1;
    if (i >= 0 && log[i] == '\n') {
      i--; // the newline that ends the last line
    }
    for (; i >= 0; i--) {
      if (log[i] == '\n' && ++seen == lines) {
        return i + 1;
      }
    }
    return 0;
  }
}
