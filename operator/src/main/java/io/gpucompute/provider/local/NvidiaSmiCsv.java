package io.gpucompute.provider.local;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the output of {@code nvidia-smi --query-gpu=index,name,memory.total,uuid --format=csv,noheader,nounits}:
 * one line per GPU, such as {@code 0, NVIDIA H200, 143771, GPU-7e0b2b09-6a13-d6a2-40db-0ef3e2515077}.
 *
 * <p>A pure function. Lines that do not fit (a header, {@code [N/A]}, a driver message) are skipped and named in
 * {@link Parsed#skipped}, so the caller can log them.
 */
final class NvidiaSmiCsv {

  /** The query whose output this class parses, as nvidia-smi arguments. */
  static final List<String> QUERY_ARGS =
      List.of("--query-gpu=index,name,memory.total,uuid", "--format=csv,noheader,nounits");

  /**
   * The result of parsing.
   *
   * @param devices the GPUs, in output order
   * @param skipped one explanation per line that was not a GPU
   */
  record Parsed(List<GpuDevice> devices, List<String> skipped) {}

  private NvidiaSmiCsv() {}

  static Parsed parse(String output) {
    List<GpuDevice> devices = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (String line : output.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        devices.add(parseLine(line));
      } catch (IllegalArgumentException e) {
        skipped.add("'" + line.strip() + "': " + e.getMessage());
      }
    }
    return new Parsed(List.copyOf(devices), List.copyOf(skipped));
  }

  private static GpuDevice parseLine(String line) {
    String[] fields = line.split(",", -1);
    if (fields.length != 4) {
      throw new IllegalArgumentException("expected 4 fields (index, name, memory.total, uuid), got " + fields.length);
    }
    int index = integer("index", fields[0]);
    String name = fields[1].strip();
    int memoryMiB = integer("memory.total", fields[2].strip().replaceFirst("(?i)\\s*MiB$", ""));
    String uuid = fields[3].strip();
    if (name.isEmpty()) {
      throw new IllegalArgumentException("the name is empty");
    }
    if (!uuid.matches("[A-Za-z]+-[0-9A-Za-z-]+")) {
      throw new IllegalArgumentException("'" + uuid + "' is not a GPU UUID");
    }
    return new GpuDevice(index, GpuModelNames.typeOf(name), name, memoryMiB, uuid);
  }

  private static int integer(String field, String text) {
    try {
      int value = Integer.parseInt(text.strip());
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " '" + text.strip() + "' is not a whole number");
    }
  }
}
