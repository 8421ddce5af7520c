import { StandbyError, type ErrorCode } from "../../server/core/index.js";

/** Templates of label jammy on each provider. */
export const jammyOn = (...providers: string[]) =>
  providers.map((p) => ({ label: "jammy", provider: p, image: "ubuntu-jammy", flavor: "small" }));

/** For assert.rejects: a StandbyError with this code (and message, if given). */
export const standbyError =
  (code: ErrorCode, message?: RegExp) =>
  (err: unknown): boolean =>
    err instanceof StandbyError && err.code === code && (message === undefined || message.test(err.message));

/** A well-formed public key of a claimer. */
export const CLAIMER_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNsYWltZXIta2V5LWZvci10aGUtc2ltdWxhdG9yLXRlc3Q claimer@ci";
