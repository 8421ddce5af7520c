package dev.standby.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link StandbyLauncher} talks to the scheduler and what it asks for.
 * Fluent setters; the defaults suit a Jenkins cloud.
 */
public final class LauncherOptions {
  private String target;
  private String requester = "jenkins";
  private Duration leaseTtl = Duration.ofMinutes(10);
  private Duration waitTimeout = Duration.ofMinutes(10);
  private Duration callTimeout = Duration.ofSeconds(10);
  private int priority;
  private List<String> sshPublicKeys = Collections.emptyList();
  private LeaseListener listener = new LeaseListener() {};

  /** The scheduler, "host:port" (a gRPC target). */
  public LauncherOptions(String target) {
    this.target = Objects.requireNonNull(target, "target");
  }

  public String target() {
    return target;
  }

  public LauncherOptions target(String target) {
    this.target = Objects.requireNonNull(target, "target");
    return this;
  }

  /** Who asks, shown to operators (default "jenkins"; a controller's URL is better). */
  public String requester() {
    return requester;
  }

  public LauncherOptions requester(String requester) {
    this.requester = Objects.requireNonNull(requester, "requester");
    return this;
  }

  /**
   * The lease TTL (default 10 minutes, at most 24 hours). The launcher renews
   * at a third of it, so a controller that dies loses its nodes within one
   * TTL and a scheduler outage shorter than two thirds of it costs nothing.
   */
  public Duration leaseTtl() {
    return leaseTtl;
  }

  public LauncherOptions leaseTtl(Duration leaseTtl) {
    if (leaseTtl.getSeconds() < 1 || leaseTtl.getSeconds() > 86_400) throw new IllegalArgumentException("leaseTtl: between 1 s and 24 h");
    this.leaseTtl = leaseTtl;
    return this;
  }

  /** How long one provisioned node may wait for a machine before its claim is cancelled (default 10 minutes). */
  public Duration waitTimeout() {
    return waitTimeout;
  }

  public LauncherOptions waitTimeout(Duration waitTimeout) {
    if (waitTimeout.isNegative() || waitTimeout.isZero()) throw new IllegalArgumentException("waitTimeout: positive");
    this.waitTimeout = waitTimeout;
    return this;
  }

  /** Deadline of each short call (renew, release, get; default 10 s). */
  public Duration callTimeout() {
    return callTimeout;
  }

  public LauncherOptions callTimeout(Duration callTimeout) {
    if (callTimeout.isNegative() || callTimeout.isZero()) throw new IllegalArgumentException("callTimeout: positive");
    this.callTimeout = callTimeout;
    return this;
  }

  /** Higher is served first (default 0). */
  public int priority() {
    return priority;
  }

  public LauncherOptions priority(int priority) {
    this.priority = priority;
    return this;
  }

  /**
   * OpenSSH public keys to log in with ("ecdsa-sha2-nistp256 AAAA..."); the
   * scheduler injects them into each node at claim time. The private keys
   * stay with the caller.
   */
  public List<String> sshPublicKeys() {
    return sshPublicKeys;
  }

  public LauncherOptions sshPublicKeys(List<String> keys) {
    this.sshPublicKeys = Collections.unmodifiableList(new ArrayList<>(keys));
    return this;
  }

  public LeaseListener listener() {
    return listener;
  }

  public LauncherOptions listener(LeaseListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }
}
