import { NOOP_OBSERVER, type SchedulerObserver } from "../core/observer.js";

/** One observer that tells several, in order; the context-running hooks nest. */
export function fanOut(observers: readonly SchedulerObserver[]): SchedulerObserver {
  if (observers.length === 0) return NOOP_OBSERVER;
  if (observers.length === 1) return observers[0] as SchedulerObserver;
  const each = <K extends keyof SchedulerObserver>(key: K) =>
    ((...args: unknown[]) => {
      for (const o of observers) (o[key] as (...a: unknown[]) => void)(...args);
    }) as SchedulerObserver[K];
  const nest =
    (key: "inLaunch" | "inDelete" | "inImageResolution" | "inClaim") =>
    <T>(what: never, fn: () => Promise<T>): Promise<T> =>
      observers.reduceRight<() => Promise<T>>(
        (inner, o) => () => (o[key] as (w: never, f: () => Promise<T>) => Promise<T>)(what, inner),
        fn,
      )();
  return {
    claimCreated: each("claimCreated"),
    claimLoaded: each("claimLoaded"),
    allocated: each("allocated"),
    claimFulfilled: each("claimFulfilled"),
    claimRequeued: each("claimRequeued"),
    claimEnded: each("claimEnded"),
    inClaim: nest("inClaim"),
    detached: <T>(fn: () => T): T => observers.reduceRight<() => T>((inner, o) => () => o.detached(inner), fn)(),
    launchStarted: each("launchStarted"),
    inLaunch: nest("inLaunch"),
    attemptFailed: each("attemptFailed"),
    launchFailed: each("launchFailed"),
    nodeReady: each("nodeReady"),
    inDelete: nest("inDelete"),
    inImageResolution: nest("inImageResolution"),
    nodeHeld: each("nodeHeld"),
    holdEnded: each("holdEnded"),
  };
}
