import type { Provider } from "./provider.js";

/** A method of the domain Provider interface. */
export type ProviderMethod = keyof Provider;

/** What a wrapper does with one call: the method, its arguments, and it answers what the method answers. */
export type ProviderHandler = <M extends ProviderMethod>(method: M, args: Parameters<Provider[M]>) => ReturnType<Provider[M]>;

/**
 * Every method of Provider, each once. Wrappers (deadlines and breakers,
 * tracing, the gRPC client) are written once over this list, with what
 * differs per method kept as data (a Record<ProviderMethod, ...>), so a new
 * Provider method is one line here and one entry in each such table, which
 * the compiler asks for.
 */
export const PROVIDER_METHODS = [
  "describe",
  "boot",
  "getInstance",
  "deleteInstance",
  "listInstances",
  "listFlavors",
  "listImages",
  "createSnapshot",
  "getOperation",
  "deleteImage",
  "getQuota",
] as const satisfies readonly ProviderMethod[];

// The list names every method of Provider: this fails to compile otherwise.
type Unlisted = Exclude<ProviderMethod, (typeof PROVIDER_METHODS)[number]>;
const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMethodListed;

/** A Provider whose every method is handler(method, args). */
export function wrapProvider(handler: ProviderHandler): Provider {
  const provider: Partial<Record<ProviderMethod, (...args: never[]) => unknown>> = {};
  for (const method of PROVIDER_METHODS) {
    provider[method] = (...args: never[]) => handler(method, args as Parameters<Provider[typeof method]>);
  }
  return provider as Provider;
}

/**
 * The base of a wrapper that is a Provider and more (a status, a dispose):
 * every Provider method of an instance calls its handle(method, args).
 */
abstract class MethodForwarder {
  constructor() {
    Object.assign(
      this,
      wrapProvider((method, args) => this.handle(method, args)),
    );
  }

  protected abstract handle<M extends ProviderMethod>(method: M, args: Parameters<Provider[M]>): ReturnType<Provider[M]>;
}

export const ProviderWrapper = MethodForwarder as abstract new () => MethodForwarder & Provider;
export type ProviderWrapper = MethodForwarder & Provider;

/** provider[method](...args), typed by the method. */
export function callProvider<M extends ProviderMethod>(
  provider: Provider,
  method: M,
  args: Parameters<Provider[M]>,
): ReturnType<Provider[M]> {
  return (provider[method] as (...a: Parameters<Provider[M]>) => ReturnType<Provider[M]>).apply(provider, args);
}
