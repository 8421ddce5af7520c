import type { Clock, ImageBuildRecord } from "../../core/index.js";

/** Callers waiting for a build to reach some state (a post-build snapshot's caller). */
export class BuildWaiters {
  private readonly waiters = new Map<string, Set<(build: ImageBuildRecord) => void>>();

  constructor(
    private readonly clock: Clock,
    /** The build's latest known state. */
    private readonly latest: (id: string) => ImageBuildRecord | undefined,
  ) {}

  /** A stored change of a build. */
  changed(build: ImageBuildRecord): void {
    for (const waiter of [...(this.waiters.get(build.id) ?? [])]) waiter(build);
  }

  /** Resolves with the build once `done` holds for it, or with its latest state after timeoutMs. */
  waitFor(build: ImageBuildRecord, done: (b: ImageBuildRecord) => boolean, timeoutMs: number): Promise<ImageBuildRecord> {
    const latest = this.latest(build.id) ?? build;
    if (done(latest)) return Promise.resolve(latest);
    return new Promise((resolve) => {
      let set = this.waiters.get(build.id);
      if (!set) this.waiters.set(build.id, (set = new Set()));
      const finish = (b: ImageBuildRecord) => {
        timer.cancel();
        set.delete(waiter);
        if (set.size === 0) this.waiters.delete(build.id);
        resolve(b);
      };
      const waiter = (b: ImageBuildRecord) => {
        if (done(b)) finish(b);
      };
      const timer = this.clock.setTimer(timeoutMs, () => finish(this.latest(build.id) ?? latest));
      set.add(waiter);
    });
  }
}
