package io.gpucompute.job;

/** The admission queue's answer for a job that wants to start. */
public sealed interface Admission {

  /** Not asked: the job is not waiting to start. */
  Admission NOT_ASKED = new NotAsked();

  /** The job may start now; capacity is reserved for it. */
  record Admitted() implements Admission {}

  /**
   * The job must wait.
   *
   * @param position its place in the queue, 1 being next
   * @param reason why it waits, in a word
   * @param message why it waits
   */
  record Waiting(int position, JobReason reason, String message) implements Admission {}

  /** See {@link #NOT_ASKED}. */
  record NotAsked() implements Admission {}
}
