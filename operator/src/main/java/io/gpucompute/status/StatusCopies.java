package io.gpucompute.status;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one way statuses are copied: through their JSON form, so a copy holds every field the API type has, the ones
 * added later included (a copy written field by field silently drops them).
 */
public final class StatusCopies {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StatusCopies() {}

  /** A deep copy of {@code status}, to change without touching the cached object it came from. */
  public static <T> T deepCopy(T status) {
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) status.getClass();
    return MAPPER.convertValue(status, type);
  }
}
