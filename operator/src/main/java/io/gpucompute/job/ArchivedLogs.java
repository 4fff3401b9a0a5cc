package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.ArchivedLog;
import io.gpucompute.api.v1alpha1.GpuJobStatus;
import io.gpucompute.provider.LogUpload;
import io.gpucompute.status.StatusCopies;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Notes in a job's status.logs where an attempt's whole output is archived. Pure. */
final class ArchivedLogs {

  private ArchivedLogs() {}

  /**
   * {@code recorded} with its status naming where attempt {@code attempt} uploads its log (replacing an entry of the
   * same attempt); {@code recorded} itself when {@code upload} is null or the entry is there already.
   */
  static Decision noted(Decision recorded, int attempt, LogUpload upload) {
    if (upload == null) {
      return recorded;
    }
    ArchivedLog entry = new ArchivedLog(attempt, upload.location(), upload.endpoint());
    GpuJobStatus status = recorded.status();
    List<ArchivedLog> logs = status.getLogs() == null ? List.of() : status.getLogs();
    if (logs.contains(entry)) {
      return recorded;
    }
    List<ArchivedLog> updated = new ArrayList<>(logs.stream().filter(log -> !Integer.valueOf(attempt)
        .equals(log.getAttempt())).toList());
    updated.add(entry);
    updated.sort(Comparator.comparing(ArchivedLog::getAttempt));
    GpuJobStatus copy = StatusCopies.deepCopy(status);
    copy.setLogs(updated);
    return new Decision(copy, recorded.action(), recorded.requeueAfter(), recorded.failure());
  }
}
