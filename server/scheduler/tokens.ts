import { createHmac, timingSafeEqual } from "node:crypto";
import { StandbyError } from "../../common/errors.js";

/**
 * Claim and lease tokens are `base64url(claimId:mac)` with an HMAC under a key
 * kept in the store, so every replica can check them, nothing secret is
 * stored per claim, and a retried CreateClaim (same request id) can hand back
 * the very same tokens.
 */
export class Tokens {
  constructor(private readonly key: Buffer) {}

  private mac(kind: string, claimId: string): string {
    return createHmac("sha256", this.key).update(`${kind}:${claimId}`).digest("base64url");
  }

  claimToken(claimId: string): string {
    return Buffer.from(`${claimId}:${this.mac("claim", claimId)}`).toString("base64url");
  }

  leaseToken(claimId: string): string {
    return Buffer.from(`${claimId}:${this.mac("lease", claimId)}`).toString("base64url");
  }

  /** The claim id a claim token is for; unauthenticated if it does not verify. */
  verifyClaimToken(token: string): string {
    return this.verify("claim", token, "claim_token");
  }

  verifyLeaseToken(token: string): string {
    return this.verify("lease", token, "lease_token");
  }

  private verify(kind: string, token: string, field: string): string {
    if (!token) throw StandbyError.invalidArgument(field, "required");
    const text = Buffer.from(token, "base64url").toString();
    const sep = text.lastIndexOf(":");
    const claimId = sep > 0 ? text.slice(0, sep) : "";
    const given = Buffer.from(sep > 0 ? text.slice(sep + 1) : "");
    const expected = Buffer.from(claimId ? this.mac(kind, claimId) : "");
    if (!claimId || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new StandbyError("unauthenticated", `${field} is not valid`);
    }
    return claimId;
  }
}
