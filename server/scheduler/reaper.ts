import type { Logger } from "../core/index.js";

/**
 * Deletes leaked cloud resources (instances, images) the nodepool way: a
 * resource is deleted only when two passes in a row find it unknown, so one
 * that is being created while a pass lists it is never taken. A resource
 * seen once and then accounted for (or gone) starts over.
 */
export class LeakReaper {
  private readonly sightings = new Map<string, number>();

  /** noun names the resource in logs ("instance"); field is its log key ("node"). */
  constructor(
    private readonly noun: string,
    private readonly field: string,
    private readonly logger: Logger,
  ) {}

  /**
   * One pass over a scope (a provider): `leaked` are the ids this pass finds
   * unknown. Those found by the previous pass too are deleted with remove;
   * returns the ids deleted.
   */
  async pass(scope: string, leaked: ReadonlySet<string>, remove: (id: string) => Promise<void>): Promise<string[]> {
    const deleted: string[] = [];
    for (const id of leaked) {
      const key = `${scope}/${id}`;
      const seen = (this.sightings.get(key) ?? 0) + 1;
      this.sightings.set(key, seen);
      if (seen < 2) continue;
      this.logger.warn({ provider: scope, [this.field]: id }, `deleting leaked ${this.noun}`);
      try {
        await remove(id);
        this.sightings.delete(key);
        deleted.push(id);
      } catch (err) {
        this.logger.warn(
          { provider: scope, [this.field]: id, err: err instanceof Error ? err.message : String(err) },
          `deleting leaked ${this.noun} failed`,
        );
      }
    }
    for (const key of [...this.sightings.keys()]) {
      const slash = key.indexOf("/");
      if (key.slice(0, slash) === scope && !leaked.has(key.slice(slash + 1))) this.sightings.delete(key);
    }
    return deleted;
  }
}
