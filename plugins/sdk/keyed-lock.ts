/**
 * Runs async work one at a time per key (a node, a host), in the order it
 * arrived; work under other keys runs alongside. In-process only: a lock
 * shared with other processes needs a file (see plugins/fake/state.ts).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs fn after everything queued under key before it has settled; a failure does not block the next. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
