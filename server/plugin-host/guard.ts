import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  halfJitterGenerator,
  handleWhen,
  IsolatedCircuitError,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type TimeoutPolicy,
} from "cockatiel";
import { context } from "@opentelemetry/api";
import type { Clock, Timer } from "../../common/clock.js";
import { StandbyError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import type { CircuitState as CircuitStateName, Provider } from "../../common/provider.js";
import { callProvider, ProviderWrapper } from "../../common/provider-methods.js";
import { isMalformedResponse } from "./errors.js";
import { CALL_CLASS, deadlineOf, type CallClass, type ProviderMethod, type ProviderPolicies } from "./policies.js";
import { RateLimiter } from "./rate-limit.js";

/** What a guarded call hands the provider underneath. */
export interface CallContext {
  /** Epoch ms (real time) by which the call must have answered; the gRPC deadline. */
  deadline: number;
}

/** A provider called by method name, with the call's deadline. */
export interface CallTarget {
  invoke<M extends ProviderMethod>(method: M, args: Parameters<Provider[M]>, ctx: CallContext): ReturnType<Provider[M]>;
}

/** Any Provider as a CallTarget (one that knows nothing of deadlines). */
export function callTargetOf(provider: Provider): CallTarget {
  return {
    invoke: (method, args) => callProvider(provider, method, args),
  };
}

export interface GuardStatus {
  circuit: CircuitStateName;
  /** Why the circuit is not closed ("" when it is). */
  reason: string;
  inFlight: number;
  queued: number;
}

export interface GuardOptions {
  /** The provider's name, for messages. */
  name: string;
  policies: ProviderPolicies;
  /** Timers of the rate limiter and the probe loop. */
  clock: Clock;
  log: Logger;
  /**
   * An error to fail a call with at once, before any policy sees it, while the
   * provider cannot take calls (its plugin is restarting): such failures say
   * nothing new about the cloud and must not trip or close the breaker.
   */
  unavailable?: () => StandbyError | undefined;
  /** Called when the circuit closes again (the provider is usable: time to reconcile). */
  onClose?: () => void;
}

/** Failures that say "the provider is not working right now". */
function isBreakerFailure(err: unknown): boolean {
  if (isMalformedResponse(err)) return true;
  return err instanceof StandbyError && (err.code === "unavailable" || err.code === "deadline-exceeded");
}

/**
 * The guard's own timeout fires this long after the deadline it hands the
 * plugin, so a plugin call ends by its gRPC deadline first and the breaker
 * has counted it before the caller hears of it; the guard's timeout is the
 * backstop for calls still waiting for a slot.
 */
const BACKSTOP_MS = 50;

const STATE_NAME: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "open",
};

/**
 * One provider behind its isolation policies (cockatiel), in this order:
 *
 *   deadline (per call class, covers all waiting) → rate limit → bulkhead →
 *   circuit breaker → the provider
 *
 * While the circuit is open every call fails at once with unavailable; the
 * guard itself probes (ListInstances) once the half-open wait has passed, and
 * a successful probe closes the circuit. Scheduler code sees an ordinary
 * Provider whose failures are StandbyErrors.
 */
export class GuardedProvider extends ProviderWrapper {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  private readonly limiter: RateLimiter;
  private readonly timeouts: Record<CallClass, TimeoutPolicy>;
  private readonly probeEveryMs: number;
  private probeTimer: Timer | undefined;
  private probing = false;
  private closed = false;
  private failureReason = "";

  constructor(
    private readonly target: CallTarget,
    private readonly opts: GuardOptions,
  ) {
    super();
    const { deadlines, bulkhead: bh, circuitBreaker: cb, rateLimit } = opts.policies;
    this.timeouts = {
      fast: timeout(deadlines.fastMs + BACKSTOP_MS, TimeoutStrategy.Aggressive),
      accept: timeout(deadlines.acceptMs + BACKSTOP_MS, TimeoutStrategy.Aggressive),
      long: timeout(deadlines.longMs + BACKSTOP_MS, TimeoutStrategy.Aggressive),
    };
    this.limiter = new RateLimiter(rateLimit, opts.clock);
    this.bulkhead = bulkhead(bh.maxConcurrent, bh.maxQueued);
    this.breaker = circuitBreaker(handleWhen(isBreakerFailure), {
      breaker: new ConsecutiveBreaker(cb.failures),
      halfOpenAfter: new ExponentialBackoff({
        initialDelay: cb.halfOpenAfterMs,
        maxDelay: cb.maxHalfOpenAfterMs,
        generator: halfJitterGenerator,
      }),
    });
    this.probeEveryMs = Math.min(1_000, Math.max(20, Math.floor(cb.halfOpenAfterMs / 4)));
    this.breaker.onBreak((reason) => {
      const cause = "error" in reason ? StandbyError.from(reason.error).message : "isolated";
      this.failureReason = `circuit open after ${cb.failures} transient failures in a row; last: ${cause}`;
      opts.log.warn({ circuit: "open" }, `${this.failureReason}; calls fail fast until a probe succeeds`);
      this.scheduleProbe();
    });
    this.breaker.onHalfOpen(() => opts.log.info({ circuit: "half-open" }, "circuit half-open: probing with ListInstances"));
    this.breaker.onReset(() => {
      this.failureReason = "";
      opts.log.info({ circuit: "closed" }, "circuit closed: the provider answers again");
      opts.onClose?.();
    });
  }

  status(): GuardStatus {
    const circuit = STATE_NAME[this.breaker.state];
    return {
      circuit,
      reason: circuit === "closed" ? "" : this.failureReason,
      inFlight: this.opts.policies.bulkhead.maxConcurrent - this.bulkhead.executionSlots,
      queued: this.opts.policies.bulkhead.maxQueued - this.bulkhead.queueSlots,
    };
  }

  /** Stops the probe loop. Calls already made finish on their own. */
  dispose(): void {
    this.closed = true;
    this.probeTimer?.cancel();
    this.probeTimer = undefined;
  }

  /** Every Provider method, through the policies. */
  protected override handle<M extends ProviderMethod>(method: M, args: Parameters<Provider[M]>): ReturnType<Provider[M]> {
    return this.run(method, args) as ReturnType<Provider[M]>;
  }

  private async run<M extends ProviderMethod>(method: M, args: Parameters<Provider[M]>): Promise<Awaited<ReturnType<Provider[M]>>> {
    const down = this.opts.unavailable?.();
    if (down) throw down;
    if (this.breaker.state !== CircuitState.Closed) throw this.openError();
    const ms = deadlineOf(method, this.opts.policies.deadlines);
    const deadline = Date.now() + ms;
    try {
      return await this.timeouts[CALL_CLASS[method]].execute(async ({ signal }) => {
        await this.limiter.acquire(deadline - Date.now(), signal);
        // A call queued in the bulkhead is started by whichever call frees the
        // slot; bound, it still runs in its own caller's trace context.
        return this.bulkhead.execute(
          context.bind(context.active(), ({ signal: slot }: { signal: AbortSignal }) =>
            this.breaker.execute(
              async () => (await this.target.invoke(method, args, { deadline })) as Awaited<ReturnType<Provider[M]>>,
              slot,
            ),
          ),
          signal,
        );
      });
    } catch (err) {
      throw this.translate(err, method, ms, deadline);
    }
  }

  private translate(err: unknown, method: ProviderMethod, ms: number, deadline: number): StandbyError {
    if (err instanceof TaskCancelledError || (err instanceof StandbyError && err.code === "deadline-exceeded" && Date.now() >= deadline)) {
      return new StandbyError("deadline-exceeded", `${method} on provider ${this.opts.name}: no answer within ${ms} ms`, { cause: err });
    }
    if (err instanceof BulkheadRejectedError) {
      const { maxConcurrent, maxQueued } = this.opts.policies.bulkhead;
      return new StandbyError(
        "unavailable",
        `provider ${this.opts.name} has too many calls waiting (${maxConcurrent} in flight, ${maxQueued} queued)`,
        { cause: err },
      );
    }
    if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) return this.openError();
    return StandbyError.from(err);
  }

  private openError(): StandbyError {
    const state = STATE_NAME[this.breaker.state];
    return new StandbyError("unavailable", `provider ${this.opts.name}: circuit ${state} (${this.failureReason || "probing"})`);
  }

  private scheduleProbe(): void {
    if (this.closed || this.probeTimer) return;
    this.probeTimer = this.opts.clock.setTimer(this.probeEveryMs, () => {
      this.probeTimer = undefined;
      void this.probe();
    });
  }

  /**
   * Tries the breaker while it is open: cockatiel refuses at once until the
   * half-open wait has passed, then lets this one call through as the test.
   * Nothing is probed while the plugin is restarting (it would fail for a
   * reason the breaker already knows).
   */
  private async probe(): Promise<void> {
    if (this.closed || this.probing || this.breaker.state === CircuitState.Closed) return;
    this.probing = true;
    try {
      if (!this.opts.unavailable?.()) {
        const deadline = Date.now() + this.opts.policies.deadlines.fastMs;
        await this.timeouts.fast.execute(() => this.breaker.execute(() => this.target.invoke("listInstances", [], { deadline })));
      }
    } catch (err) {
      if (!(err instanceof BrokenCircuitError)) {
        this.opts.log.debug({ err: StandbyError.from(err).message }, "circuit probe failed");
      }
    } finally {
      this.probing = false;
    }
    if (this.circuitState() !== CircuitState.Closed) this.scheduleProbe();
  }

  /** Read afresh (the compiler would otherwise narrow it across awaits). */
  private circuitState(): CircuitState {
    return this.breaker.state;
  }
}
