package dev.standby.launcher;

import java.time.Instant;

/**
 * What the launcher tells its cloud as it goes. Every method has a no-op
 * default; they are called from the launcher's own threads and must not
 * block.
 */
public interface LeaseListener {
  /** A waiting claim moved: event is "queued", "launching", ...; message is for people. */
  default void onProgress(String claimId, String labelExpression, String event, String message, int queuePosition) {}

  /** A lease was renewed (about every third of its TTL). */
  default void onRenewed(StandbyNode node, Instant expiresAt) {}

  /**
   * The scheduler no longer holds the node for this launcher (the lease
   * expired, was released or cancelled elsewhere, or is unknown). The machine
   * is being deleted: take the agent offline and remove it.
   */
  default void onLeaseLost(StandbyNode node, StandbyException cause) {}
}
