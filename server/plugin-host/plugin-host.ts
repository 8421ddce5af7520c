import { mkdir } from "node:fs/promises";
import { systemClock } from "../core/clock.js";
import { StandbyError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import type { Provider, ProviderRegistry, ProviderStatus } from "../core/provider.js";
import { cryptoRandom } from "../core/random.js";
import { DEFAULT_RESTART_POLICY } from "./backoff.js";
import { DEFAULT_TIMEOUTS, type PluginHostOptions } from "./options.js";
import { PluginProvider } from "./plugin-provider.js";
import { PluginSupervisor, type PluginPhase } from "./supervisor.js";

const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Hosts one plugin child process per configured provider and serves them as
 * the scheduler's ProviderRegistry. A provider whose plugin fails keeps being
 * restarted with backoff and never holds up the others.
 */
export class PluginHost implements ProviderRegistry {
  private readonly supervisors = new Map<string, PluginSupervisor>();
  private readonly providers = new Map<string, PluginProvider>();
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
      const supervisor = new PluginSupervisor({
        spec,
        ownerId: opts.ownerId,
        stateDir: opts.stateDir,
        log: this.log.child({ provider: spec.name }),
        clock: opts.clock ?? systemClock,
        random: opts.random ?? cryptoRandom,
        timeouts,
        restart,
        onReady: () => this.emitReady(spec.name),
      });
      this.supervisors.set(spec.name, supervisor);
      this.providers.set(spec.name, new PluginProvider(supervisor, timeouts));
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

  status(name: string): ProviderStatus {
    return this.supervisor(name).status();
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
