import { StandbyError, type Slot } from "../../core/index.js";
import type { Catalog } from "../catalog.js";
import type { ClaimInput, ClaimSettings } from "./types.js";

const SSH_KEY =
  /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/;

/** Per label expression, the labels that satisfy it. */
export function resolveSlots(catalog: Catalog, expressions: string[]): Slot[] {
  return expressions.map((e, i) => catalog.match(e, `label_expressions[${i}]`));
}

/** Checks a new claim; returns its slots and lease TTL, or throws the field at fault. */
export function validateClaim(input: ClaimInput, catalog: Catalog, settings: ClaimSettings): { slots: Slot[]; ttlMs: number } {
  if (input.labelExpressions.length === 0)
    throw StandbyError.invalidArgument("label_expressions", "at least one label expression is required");
  if (input.labelExpressions.length > 32) throw StandbyError.invalidArgument("label_expressions", "at most 32 nodes per claim");
  const slots = resolveSlots(catalog, input.labelExpressions);
  slots.forEach((slot, i) => {
    if (slot.labels.length === 0) {
      throw new StandbyError(
        "failed-precondition",
        `label_expressions[${i}]: no configured label satisfies "${input.labelExpressions[i]}"`,
        {
          field: `label_expressions[${i}]`,
        },
      );
    }
  });
  if (slots.length > 1) {
    // A nodeset comes from one provider: some provider must make a label of every slot.
    const common = slots.map((slot) => catalog.makers(slot)).reduce((a, b) => new Set([...a].filter((p) => b.has(p))));
    if (common.size === 0)
      throw new StandbyError("failed-precondition", "label_expressions: no single provider can make every node of this nodeset", {
        field: "label_expressions",
      });
  }
  const ttlMs = input.leaseTtlSeconds > 0 ? input.leaseTtlSeconds * 1000 : settings.defaultLeaseTtlMs;
  if (ttlMs > settings.maxLeaseTtlMs) throw StandbyError.invalidArgument("lease_ttl_seconds", `at most ${settings.maxLeaseTtlMs / 1000}`);
  input.sshPublicKeys.forEach((key, i) => {
    if (!SSH_KEY.test(key.trim())) throw StandbyError.invalidArgument(`ssh_public_keys[${i}]`, "not an OpenSSH public key");
  });
  if (input.requestId.length > 128) throw StandbyError.invalidArgument("request_id", "at most 128 characters");
  if (input.requester.length > 256) throw StandbyError.invalidArgument("requester", "at most 256 characters");
  if (input.jobName.length > 1024) throw StandbyError.invalidArgument("job_name", "at most 1024 characters");
  if (!Number.isInteger(input.priority) || Math.abs(input.priority) > 1_000_000)
    throw StandbyError.invalidArgument("priority", "an integer within ±1000000");
  return { slots, ttlMs };
}
