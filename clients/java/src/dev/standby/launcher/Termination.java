package dev.standby.launcher;

import java.time.Duration;

/** What terminate() did. */
public final class Termination {
  private final StandbyNode node;
  private final JobOutcome outcome;
  private final String claimState;
  private final Duration holdRequested;
  private final boolean held;
  private final String note;

  Termination(StandbyNode node, JobOutcome outcome, String claimState, Duration holdRequested, boolean held, String note) {
    this.node = node;
    this.outcome = outcome;
    this.claimState = claimState;
    this.holdRequested = holdRequested;
    this.held = held;
    this.note = note;
  }

  public StandbyNode node() {
    return node;
  }

  public JobOutcome outcome() {
    return outcome;
  }

  /** The claim's state after the release, e.g. "released". */
  public String claimState() {
    return claimState;
  }

  /** The hold asked for, or null. */
  public Duration holdRequested() {
    return holdRequested;
  }

  /** Whether the node is kept for diagnosis instead of deleted. */
  public boolean held() {
    return held;
  }

  /** Why a requested hold did not happen, or "". */
  public String note() {
    return note;
  }

  @Override
  public String toString() {
    return "Termination{" + node.id() + " " + outcome + " -> " + claimState + (held ? ", held" : "") + (note.isEmpty() ? "" : ", " + note) + "}";
  }
}
