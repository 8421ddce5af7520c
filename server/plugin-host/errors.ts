import { StandbyError } from "../../common/errors.js";

/**
 * A plugin answered with bytes that are not the contract's message (they do
 * not decode, or exceed the size limit). A bug in the plugin, so the code is
 * internal; the circuit breaker counts it like a transient failure, since a
 * plugin in that state is no more useful than one that does not answer.
 */
export class MalformedResponseError extends StandbyError {
  readonly malformed = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super("internal", message, options);
  }
}

export function isMalformedResponse(err: unknown): err is MalformedResponseError {
  return err instanceof MalformedResponseError;
}
