package io.gpucompute.placement;

import java.util.List;

/**
 * The placement rule's answer: the options the job may take, best first, and why each other one was left out.
 *
 * @param options what the job may run on now, in the order to ask the queues
 * @param dropped the options left out, each with its reason, in the candidates' order
 */
public record Ranking(List<Option> options, List<Dropped> dropped) {

  /**
   * An option left out.
   *
   * @param option the option
   * @param reason a CamelCase reason
   * @param message what it means here
   */
  public record Dropped(Option option, String reason, String message) {}
}
