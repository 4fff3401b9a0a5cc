package io.gpucompute.bench;

/**
 * One line of the benchmark's table: a goal of issue #14, what it was measured on, the figure, the target, and
 * whether the figure meets it.
 */
record Row(String goal, String scenario, String measured, String target, boolean met) {

  static String header() {
    return "| goal | scenario | measured | target | met |\n|---|---|---|---|---|";
  }

  String markdown() {
    return "| " + goal + " | " + scenario + " | " + measured + " | " + target + " | " + (met ? "yes" : "**no**") + " |";
  }
}
