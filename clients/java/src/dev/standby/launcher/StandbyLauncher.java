package dev.standby.launcher;

import com.google.protobuf.Timestamp;
import dev.standby.v1.CancelClaimRequest;
import dev.standby.v1.Claim;
import dev.standby.v1.ClaimState;
import dev.standby.v1.CreateClaimRequest;
import dev.standby.v1.CreateClaimResponse;
import dev.standby.v1.GetClaimRequest;
import dev.standby.v1.GetClaimResponse;
import dev.standby.v1.ReleaseLeaseRequest;
import dev.standby.v1.ReleaseLeaseResponse;
import dev.standby.v1.RenewLeaseRequest;
import dev.standby.v1.RenewLeaseResponse;
import dev.standby.v1.StandbyServiceGrpc;
import dev.standby.v1.WatchClaimRequest;
import dev.standby.v1.WatchClaimResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a Jenkins cloud does with standby's machines, as a plain Java object:
 *
 * <ul>
 *   <li>{@link #provision provision(expression, n)} asks for n nodes, one claim
 *       each (every agent lives and dies on its own), and returns one future per
 *       node that completes with a connectable {@link StandbyNode}: address,
 *       port, user and the host keys to pin;
 *   <li>while a node is held, its lease is renewed in the background at a
 *       third of its TTL; a lease the scheduler ended is reported to
 *       {@link LeaseListener#onLeaseLost};
 *   <li>{@link #terminate terminate(node, outcome, holdFor)} stops renewing and
 *       releases the lease with the job's outcome; the scheduler deletes the
 *       machine.
 * </ul>
 *
 * <p>Cancelling a provision future withdraws its claim (releasing the node as
 * aborted if it had just been served). A claim that waits longer than
 * {@link LauncherOptions#waitTimeout} is withdrawn and its future fails with
 * {@link StandbyException.ClaimTimeout}. Every call that is retried carries
 * what makes it safe to retry (a request id for create, a token otherwise).
 *
 * <p>Thread-safe. All waiting happens on the launcher's own daemon threads;
 * no method blocks its caller except {@link #close}.
 */
public final class StandbyLauncher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(StandbyLauncher.class.getName());

  /**
   * How long CreateClaim may wait inline. A warm claim is one round trip
   * either way; a cold one moves on to WatchClaim, which reports progress and
   * keeps the queued claim alive.
   */
  private static final int CREATE_WAIT_SECONDS = 5;
  /** UNAVAILABLE is retried this many times (200 ms, doubling). */
  private static final int RETRIES = 4;

  /** Why a requested hold did not show in the scheduler's answer. */
  public static final String HOLD_NOT_GRANTED =
      "the scheduler's answer does not show the node held (a scheduler without holds, or with a maximum hold of 0, deletes it)";

  private final LauncherOptions options;
  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final StandbyServiceGrpc.StandbyServiceBlockingStub stub;
  private final ExecutorService workers;
  private final ScheduledThreadPoolExecutor timers;
  private final ConcurrentMap<String, Lease> leases = new ConcurrentHashMap<>();
  private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Connects to options.target() in plaintext (the API has no TLS yet). */
  public StandbyLauncher(LauncherOptions options) {
    this(options, ManagedChannelBuilder.forTarget(options.target()).usePlaintext().build(), true);
  }

  /** Uses a channel the caller made (TLS, credentials); {@link #close} leaves it open. */
  public StandbyLauncher(LauncherOptions options, ManagedChannel channel) {
    this(options, channel, false);
  }

  private StandbyLauncher(LauncherOptions options, ManagedChannel channel, boolean ownsChannel) {
    this.options = Objects.requireNonNull(options, "options");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.ownsChannel = ownsChannel;
    this.stub = StandbyServiceGrpc.newBlockingStub(channel);
    this.workers = Executors.newCachedThreadPool(daemonThreads("standby-launcher-"));
    this.timers = new ScheduledThreadPoolExecutor(2, daemonThreads("standby-renew-"));
    this.timers.setRemoveOnCancelPolicy(true);
  }

  /** Provisions n nodes for a label expression ("jammy &amp;&amp; py312"). */
  public List<CompletableFuture<StandbyNode>> provision(String labelExpression, int n) {
    return provision(labelExpression, n, "");
  }

  /**
   * Provisions n nodes for a label expression, each its own claim. jobName is
   * shown to operators (the queue item's name, say). Fails fast only for
   * arguments that are wrong on this side; everything the scheduler says
   * arrives through the futures.
   */
  public List<CompletableFuture<StandbyNode>> provision(String labelExpression, int n, String jobName) {
    if (closed) throw new IllegalStateException("the launcher is closed");
    if (labelExpression == null || labelExpression.trim().isEmpty()) throw new IllegalArgumentException("labelExpression: empty");
    if (n < 1) throw new IllegalArgumentException("n: at least 1, not " + n);
    List<CompletableFuture<StandbyNode>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Pending p = new Pending(labelExpression, jobName == null ? "" : jobName);
      pending.add(p);
      futures.add(p.future);
      workers.execute(p);
    }
    return Collections.unmodifiableList(futures);
  }

  /** {@link #terminate(StandbyNode, JobOutcome, Duration)} without a hold. */
  public CompletableFuture<Termination> terminate(StandbyNode node, JobOutcome outcome) {
    return terminate(node, outcome, null);
  }

  /**
   * Stops renewing the node's lease and releases it with the job's outcome;
   * the scheduler deletes the machine. Releasing twice is harmless.
   *
   * <p>holdFor asks to keep the node that long for diagnosis instead (state
   * HELD; the scheduler caps it at its configured maximum). {@link
   * Termination#held} says whether the scheduler's answer shows the node held.
   */
  public CompletableFuture<Termination> terminate(StandbyNode node, JobOutcome outcome, Duration holdFor) {
    return terminate(node, outcome, holdFor, "");
  }

  /** {@link #terminate(StandbyNode, JobOutcome, Duration)} with the hold's reason, shown to operators. */
  public CompletableFuture<Termination> terminate(StandbyNode node, JobOutcome outcome, Duration holdFor, String holdReason) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(outcome, "outcome");
    if (closed) throw new IllegalStateException("the launcher is closed");
    Lease lease = leases.remove(node.id());
    if (lease != null) lease.end();
    boolean holdAsked = holdFor != null && !holdFor.isNegative() && !holdFor.isZero();
    // Whole seconds, rounded up: a hold is never shorter than asked.
    long holdSeconds = holdAsked ? Math.min(Integer.MAX_VALUE, (holdFor.toMillis() + 999) / 1000) : 0;
    String reason =
        !holdAsked ? "" : holdReason != null && !holdReason.isEmpty() ? holdReason : "job " + outcome.name().toLowerCase(Locale.ROOT) + " (" + options.requester() + ")";
    return CompletableFuture.supplyAsync(
        () -> {
          ReleaseLeaseRequest req =
              ReleaseLeaseRequest.newBuilder()
                  .setLeaseToken(node.leaseToken())
                  .setOutcome(outcome.toProto())
                  .setHoldSeconds((int) holdSeconds)
                  .setHoldReason(reason)
                  .build();
          ReleaseLeaseResponse res = retrying(() -> shortCall().releaseLease(req));
          boolean held = false;
          for (dev.standby.v1.Node n : res.getClaim().getNodesList()) {
            if (n.getId().equals(node.id()) && n.getState() == dev.standby.v1.NodeState.NODE_STATE_HELD) held = true;
          }
          String note = holdAsked && !held ? HOLD_NOT_GRANTED : "";
          if (!note.isEmpty()) LOG.info("node " + node.id() + ": hold for " + holdFor + " asked; " + note);
          return new Termination(node, outcome, stateName(res.getClaim().getState()), holdAsked ? holdFor : null, held, note);
        },
        workers);
  }

  /**
   * Takes over the lease of a node provisioned earlier (by this launcher before
   * a controller restart, from the StandbyNode the cloud persisted): renews it
   * once now, then in the background. Fails if the lease is gone, in which
   * case the machine is gone too and the agent should be removed.
   */
  public CompletableFuture<StandbyNode> adopt(StandbyNode node) {
    Objects.requireNonNull(node, "node");
    if (closed) throw new IllegalStateException("the launcher is closed");
    return CompletableFuture.supplyAsync(
        () -> {
          RenewLeaseRequest req = RenewLeaseRequest.newBuilder().setLeaseToken(node.leaseToken()).build();
          RenewLeaseResponse res = retrying(() -> shortCall().renewLease(req));
          track(node, instant(res.getExpiresAt()));
          return node;
        },
        workers);
  }

  /** When the node's lease runs out unless renewed; empty if this launcher does not hold it. */
  public Optional<Instant> leaseExpiresAt(StandbyNode node) {
    Lease lease = leases.get(node.id());
    return lease == null ? Optional.empty() : Optional.ofNullable(lease.expiresAt);
  }

  /** How often the node's lease was renewed by this launcher (0 if it does not hold it). */
  public int renewals(StandbyNode node) {
    Lease lease = leases.get(node.id());
    return lease == null ? 0 : lease.renewals.get();
  }

  /** Ids of the nodes whose leases this launcher keeps alive. */
  public Set<String> leasedNodeIds() {
    return Collections.unmodifiableSet(new TreeSet<>(leases.keySet()));
  }

  /**
   * Withdraws the claims still waiting, stops renewing (held nodes are NOT
   * released: their jobs may still run; the leases run out after one TTL, or
   * another launcher adopts them) and closes the channel if it made it.
   */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    for (Pending p : pending) p.future.cancel(false);
    for (Lease lease : leases.values()) lease.end();
    leases.clear();
    timers.shutdownNow();
    workers.shutdown();
    try {
      // The waiting threads withdraw their claims before they end.
      if (!workers.awaitTermination(options.callTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)) workers.shutdownNow();
      if (ownsChannel) {
        channel.shutdown();
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
      if (ownsChannel) channel.shutdownNow();
    }
  }

  // ---- claims ----

  /** One node being provisioned: its claim from create to fulfilment. */
  private final class Pending implements Runnable {
    final String expression;
    final String jobName;
    final CompletableFuture<StandbyNode> future = new CompletableFuture<>();
    /** Cancelled with the future: interrupts a waiting create or watch. */
    final Context.CancellableContext context = Context.current().withCancellation();
    final CreateClaimRequest request;
    volatile boolean createSent;
    volatile String claimId = "";
    volatile String claimToken = "";
    private String lastProgress = "";

    Pending(String expression, String jobName) {
      this.expression = expression;
      this.jobName = jobName;
      int inline = (int) Math.max(1, Math.min(CREATE_WAIT_SECONDS, options.waitTimeout().getSeconds()));
      this.request =
          CreateClaimRequest.newBuilder()
              .addLabelExpressions(expression)
              .setRequester(options.requester())
              .setJobName(jobName)
              .setPriority(options.priority())
              .setLeaseTtlSeconds((int) options.leaseTtl().getSeconds())
              .addAllSshPublicKeys(options.sshPublicKeys())
              // The same id on a retry returns the same claim instead of a second one.
              .setRequestId(UUID.randomUUID().toString())
              .setWait(true)
              .setWaitTimeoutSeconds(inline)
              .build();
      future.whenComplete(
          (node, err) -> {
            if (future.isCancelled()) context.cancel(null);
          });
    }

    @Override
    public void run() {
      try {
        StandbyNode node = context.call(this::claim);
        if (!future.complete(node)) {
          // Cancelled just as it was served: nobody will use the node.
          Lease lease = leases.remove(node.id());
          if (lease != null) lease.end();
          withdraw();
        }
      } catch (Exception e) {
        StandbyException err = future.isCancelled() ? new StandbyException.Cancelled("provision cancelled", e) : StandbyException.from(e);
        withdraw();
        future.completeExceptionally(err);
      } finally {
        pending.remove(this);
        context.cancel(null);
      }
    }

    private StandbyNode claim() {
      long deadline = System.nanoTime() + options.waitTimeout().toNanos();
      createSent = true;
      CreateClaimResponse res =
          retrying(() -> stub.withDeadlineAfter(request.getWaitTimeoutSeconds() * 1000L + options.callTimeout().toMillis(), TimeUnit.MILLISECONDS).createClaim(request));
      claimId = res.getClaim().getId();
      claimToken = res.getClaimToken();
      Claim claim = res.getClaim();
      String leaseToken = res.getLeaseToken();
      if (claim.getState() == ClaimState.CLAIM_STATE_QUEUED) {
        progress("queued", "position " + claim.getQueuePosition(), claim.getQueuePosition());
        WatchClaimResponse served = watch(deadline);
        claim = served.getClaim();
        leaseToken = served.getLeaseToken();
      }
      if (claim.getState() != ClaimState.CLAIM_STATE_FULFILLED || leaseToken.isEmpty()) {
        throw new StandbyException.ClaimFailed(claim.getId(), stateName(claim.getState()), claim.getFailureReason());
      }
      if (claim.getNodesCount() != 1) {
        throw new StandbyException(Status.Code.INTERNAL, "claim " + claim.getId() + " was served with " + claim.getNodesCount() + " nodes, not 1", null);
      }
      StandbyNode node = StandbyNode.of(claim.getNodes(0), claim.getId(), expression, claim.getLeaseTtlSeconds(), claimToken, leaseToken);
      track(node, claim.hasLeaseExpiresAt() ? instant(claim.getLeaseExpiresAt()) : null);
      return node;
    }

    /**
     * Follows the queued claim until it leaves the queue (the answer carries
     * the claim and, when fulfilled, its lease token) or the deadline passes.
     */
    private WatchClaimResponse watch(long deadline) {
      WatchClaimRequest req = WatchClaimRequest.newBuilder().setClaimToken(claimToken).build();
      while (true) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) throw timeout();
        // A fulfilled claim's stream stays open until the lease ends: cancel it once answered.
        Context.CancellableContext call = context.withCancellation();
        try {
          WatchClaimResponse answer =
              call.call(
                  () -> {
                    Iterator<WatchClaimResponse> it = stub.withDeadlineAfter(remaining, TimeUnit.NANOSECONDS).watchClaim(req);
                    while (it.hasNext()) {
                      WatchClaimResponse m = it.next();
                      ClaimState state = m.getClaim().getState();
                      progress(m.getEvent(), m.getMessage(), m.getClaim().getQueuePosition());
                      if (state == ClaimState.CLAIM_STATE_FULFILLED && !m.getLeaseToken().isEmpty()) return m;
                      if (state != ClaimState.CLAIM_STATE_QUEUED && state != ClaimState.CLAIM_STATE_FULFILLED) return m;
                    }
                    return null;
                  });
          if (answer != null) return answer;
        } catch (Exception e) {
          StandbyException err = StandbyException.from(e);
          if (err.code() == Status.Code.DEADLINE_EXCEEDED && System.nanoTime() >= deadline) throw timeout();
          if (!err.isRetryable()) throw err;
        } finally {
          call.cancel(null);
        }
        // The stream ended or broke without an answer: ask, then watch again.
        GetClaimRequest get = GetClaimRequest.newBuilder().setClaimToken(claimToken).build();
        GetClaimResponse got = retrying(() -> shortCall().getClaim(get));
        if (got.getClaim().getState() != ClaimState.CLAIM_STATE_QUEUED) {
          return WatchClaimResponse.newBuilder().setClaim(got.getClaim()).setLeaseToken(got.getLeaseToken()).build();
        }
        sleep(Math.min(1000, Math.max(0, (deadline - System.nanoTime()) / 1_000_000)));
      }
    }

    private StandbyException timeout() {
      return new StandbyException.ClaimTimeout(claimId, "claim " + claimId + ": no node for '" + expression + "' within " + options.waitTimeout());
    }

    private void progress(String event, String message, int position) {
      // A new watch replays the current state first: say nothing twice.
      String said = event + "\n" + message;
      if (said.equals(lastProgress)) return;
      lastProgress = said;
      safely(() -> options.listener().onProgress(claimId, expression, event, message, position));
    }

    /**
     * Cancels the claim (which releases it as aborted if it was served). When
     * the create was interrupted before its answer, the request id finds the
     * claim it may have made.
     */
    private void withdraw() {
      try {
        String token = claimToken;
        if (token.isEmpty() && createSent && future.isCancelled()) {
          token = shortCall().createClaim(request.toBuilder().setWait(false).build()).getClaimToken();
        }
        if (token.isEmpty()) return;
        CancelClaimRequest req = CancelClaimRequest.newBuilder().setClaimToken(token).build();
        retrying(() -> shortCall().cancelClaim(req));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not withdraw claim " + claimId + " for '" + expression + "'; it ends when its client is gone", e);
      }
    }
  }

  // ---- leases ----

  private void track(StandbyNode node, Instant expiresAt) {
    Lease lease = new Lease(node, expiresAt);
    Lease old = leases.put(node.id(), lease);
    if (old != null) old.end();
    lease.schedule(lease.interval());
  }

  /** One held node's lease, renewed at a third of its TTL until ended. */
  private final class Lease {
    final StandbyNode node;
    final AtomicInteger renewals = new AtomicInteger();
    volatile Instant expiresAt;
    private ScheduledFuture<?> next;
    private boolean ended;

    Lease(StandbyNode node, Instant expiresAt) {
      this.node = node;
      this.expiresAt = expiresAt;
    }

    long interval() {
      return Math.max(100, node.leaseTtlSeconds() * 1000L / 3);
    }

    synchronized void schedule(long delayMs) {
      if (ended || closed) return;
      try {
        next = timers.schedule(this::renew, delayMs, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        ended = true;
      }
    }

    synchronized void end() {
      ended = true;
      if (next != null) next.cancel(false);
    }

    synchronized boolean ended() {
      return ended;
    }

    void renew() {
      if (ended()) return;
      try {
        RenewLeaseRequest req = RenewLeaseRequest.newBuilder().setLeaseToken(node.leaseToken()).build();
        RenewLeaseResponse res = shortCall().renewLease(req);
        if (ended()) return;
        expiresAt = instant(res.getExpiresAt());
        renewals.incrementAndGet();
        safely(() -> options.listener().onRenewed(node, expiresAt));
        schedule(interval());
      } catch (RuntimeException e) {
        if (ended()) return;
        StandbyException err = StandbyException.from(e);
        if (err.isRetryable()) {
          // Two thirds of the TTL are left: try again soon.
          LOG.log(Level.FINE, "renewing the lease of " + node.id() + " failed; retrying", err);
          schedule(Math.min(5000, interval() / 4));
          return;
        }
        end();
        leases.remove(node.id(), this);
        LOG.warning("node " + node.id() + ": the lease is gone (" + err + ")");
        safely(() -> options.listener().onLeaseLost(node, err));
      }
    }
  }

  // ---- helpers ----

  private StandbyServiceGrpc.StandbyServiceBlockingStub shortCall() {
    return stub.withDeadlineAfter(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs an idempotent call, retrying UNAVAILABLE with backoff; throws the typed error. */
  private <T> T retrying(Supplier<T> call) {
    long delay = 200;
    for (int attempt = 0; ; attempt++) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        StandbyException err = StandbyException.from(e);
        if (err.code() != Status.Code.UNAVAILABLE || attempt >= RETRIES || Context.current().isCancelled()) throw err;
        sleep(delay);
        delay *= 2;
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StandbyException.Cancelled("interrupted", e);
    }
  }

  private static void safely(Runnable listenerCall) {
    try {
      listenerCall.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "a LeaseListener threw", e);
    }
  }

  static String stateName(ClaimState state) {
    String name = state.name();
    return (name.startsWith("CLAIM_STATE_") ? name.substring("CLAIM_STATE_".length()) : name).toLowerCase(Locale.ROOT);
  }

  static Instant instant(Timestamp ts) {
    return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
