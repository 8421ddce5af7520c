import { mkdir } from "node:fs/promises";
import { systemClock } from "../../common/clock.js";
import { StandbyError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import type { Provider, ProviderRegistry, ProviderStatus } from "../../common/provider.js";
import { cryptoRandom } from "../../common/random.js";
import { DEFAULT_RESTART_POLICY } from "./backoff.js";
import { GuardedProvider, type GuardStatus } from "./guard.js";
import { DEFAULT_TIMEOUTS, type PluginHostOptions } from "./options.js";
import { PluginProvider } from "./plugin-provider.js";
import { resolvePolicies, type ProviderPolicies } from "./policies.js";
import { PluginSupervisor, type PluginPhase } from "./supervisor.js";

const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Hosts one plugin child process per configured provider and serves them as
 * the scheduler's ProviderRegistry. Each provider is its plugin behind its
 * isolation policies (GuardedProvider: deadlines, rate limit, bulkhead,
 * circuit breaker); a provider whose plugin fails keeps being restarted with
 * backoff (until a crash loop disables it for a while) and never holds up
 * the others.
 */
export class PluginHost implements ProviderRegistry {
  private readonly supervisors = new Map<string, PluginSupervisor>();
  private readonly providers = new Map<string, GuardedProvider>();
  private readonly policies = new Map<string, ProviderPolicies>();
  private readonly listeners: ((name: string) => void)[] = [];
  private readonly log: Logger;
  private started = false;

  constructor(private readonly opts: PluginHostOptions) {
    this.log = opts.logger;
    const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    const restart = { ...DEFAULT_RESTART_POLICY, ...opts.restart };
    for (const spec of opts.providers) {
      if (!PROVIDER_NAME.test(spec.name)) {
        throw StandbyError.invalidArgument("providers.name", `"${spec.name}" is not a valid provider name`);
      }
      if (this.supervisors.has(spec.name)) {
        throw StandbyError.invalidArgument("providers.name", `provider "${spec.name}" is configured twice`);
      }
      if (spec.command.length === 0) throw StandbyError.invalidArgument("providers.command", `provider "${spec.name}" has no command`);
      const policies = resolvePolicies(opts.policies, spec.policies);
      const log = this.log.child({ provider: spec.name });
      const clock = opts.clock ?? systemClock;
      const supervisor = new PluginSupervisor({
        spec,
        ownerId: opts.ownerId,
        stateDir: opts.stateDir,
        log,
        clock,
        random: opts.random ?? cryptoRandom,
        timeouts,
        restart,
        deadlines: policies.deadlines,
        crashLoop: policies.crashLoop,
        onReady: () => this.emitReady(spec.name),
      });
      this.supervisors.set(spec.name, supervisor);
      this.policies.set(spec.name, policies);
      const plugin = new PluginProvider(supervisor, policies.deadlines);
      this.providers.set(
        spec.name,
        new GuardedProvider(plugin, {
          name: spec.name,
          policies,
          clock,
          log,
          unavailable: () => supervisor.unavailableError(),
          // Calls were refused while it was open (a reconcile among them): catch up now.
          onClose: () => this.emitReady(spec.name),
        }),
      );
    }
  }

  /**
   * Starts every plugin. Resolves once each has either become serving or
   * failed its first start; failed ones keep being retried in the background.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await mkdir(this.opts.stateDir, { recursive: true });
    await Promise.all([...this.supervisors.values()].map((s) => s.start()));
  }

  /** Stops every plugin: stdin closed, then SIGTERM, then SIGKILL to its process group. */
  async stop(): Promise<void> {
    for (const provider of this.providers.values()) provider.dispose();
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
  }

  names(): string[] {
    return [...this.supervisors.keys()];
  }

  get(name: string): Provider {
    const provider = this.providers.get(name);
    if (!provider) throw new StandbyError("not-found", `no provider named "${name}"`);
    return provider;
  }

  /**
   * The plugin's status with its circuit breaker's: while the circuit is not
   * closed a running plugin is reported not-serving (calls fail fast), with
   * the breaker's reason as lastError.
   */
  status(name: string): ProviderStatus {
    const status = this.supervisor(name).status();
    const guard = this.guard(name);
    if (guard.circuit !== "closed" && status.health === "serving") {
      return { ...status, health: "not-serving", lastError: guard.reason, circuit: guard.circuit };
    }
    return { ...status, circuit: guard.circuit };
  }

  /** The isolation policies in force for a provider (defaults, host-wide, its own). */
  policiesOf(name: string): ProviderPolicies {
    this.supervisor(name);
    return this.policies.get(name) as ProviderPolicies;
  }

  /** Circuit breaker state and bulkhead occupancy of a provider. */
  guard(name: string): GuardStatus {
    this.supervisor(name);
    return (this.providers.get(name) as GuardedProvider).status();
  }

  /** The finer-grained lifecycle phase behind status().health. */
  phase(name: string): PluginPhase {
    return this.supervisor(name).currentPhase();
  }

  onReady(listener: (name: string) => void): void {
    this.listeners.push(listener);
  }

  private supervisor(name: string): PluginSupervisor {
    const supervisor = this.supervisors.get(name);
    if (!supervisor) throw new StandbyError("not-found", `no provider named "${name}"`);
    return supervisor;
  }

  private emitReady(name: string): void {
    for (const listener of this.listeners) {
      try {
        listener(name);
      } catch (err) {
        this.log.error({ err, provider: name }, "onReady listener failed");
      }
    }
  }
}
