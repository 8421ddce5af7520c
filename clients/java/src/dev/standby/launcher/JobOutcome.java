package dev.standby.launcher;

import dev.standby.v1.Outcome;

/** How the job on a node ended; the scheduler records it at release. */
public enum JobOutcome {
  SUCCESS(Outcome.OUTCOME_SUCCESS),
  FAILURE(Outcome.OUTCOME_FAILURE),
  ABORTED(Outcome.OUTCOME_ABORTED);

  private final Outcome proto;

  JobOutcome(Outcome proto) {
    this.proto = proto;
  }

  Outcome toProto() {
    return proto;
  }

  /**
   * The outcome of a Jenkins {@code Result} by its name: SUCCESS is success;
   * UNSTABLE and FAILURE are failure (the job ran and something failed, so the
   * node may be worth holding); ABORTED and NOT_BUILT are aborted; anything
   * else (a null result: the build never finished) is aborted.
   */
  public static JobOutcome fromJenkinsResult(String result) {
    if (result == null) return ABORTED;
    switch (result) {
      case "SUCCESS":
        return SUCCESS;
      case "UNSTABLE":
      case "FAILURE":
        return FAILURE;
      default:
        return ABORTED;
    }
  }
}
