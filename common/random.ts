import { createHash, randomBytes } from "node:crypto";

/** Randomness comes from an injected source so tests and the simulator can fix it. */
export interface Random {
  /** A new unique id with a readable prefix, e.g. "n-3f9a…" for nodes. */
  id(prefix: string): string;
  /** A secret for tokens: 32 random bytes, base64url. */
  secret(): string;
  /** A float in [0, 1). */
  float(): number;
}

export const cryptoRandom: Random = {
  id: (prefix) => `${prefix}-${randomBytes(8).toString("hex")}`,
  secret: () => randomBytes(32).toString("base64url"),
  float: () => Math.random(),
};

/** A deterministic source for tests and the simulator (mulberry32). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (bytes: number): string =>
    Array.from({ length: bytes }, () =>
      Math.floor(next() * 256)
        .toString(16)
        .padStart(2, "0"),
    ).join("");
  return {
    id: (prefix) => `${prefix}-${hex(8)}`,
    secret: () => Buffer.from(hex(32), "hex").toString("base64url"),
    float: next,
  };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
