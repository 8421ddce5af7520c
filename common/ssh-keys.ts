import { generateKeyPairSync, randomBytes } from "node:crypto";
import ssh2, { type ParsedKey } from "ssh2";

// ssh2 is CommonJS: its named exports are not visible to ESM imports.
const { utils } = ssh2;

/**
 * SSH key helpers shared by the SSH server, the SSH client helper and the
 * plugins that hand out machines: host key generation, authorized_keys
 * parsing, known_hosts lines.
 */

export interface KeyPair {
  /** The private key, unencrypted: OpenSSH ("-----BEGIN OPENSSH PRIVATE KEY-----") or PEM. */
  privateKey: string;
  /** One line, "ssh-ed25519 AAAA… comment". */
  publicKey: string;
}

/**
 * A fresh ed25519 key pair in OpenSSH formats (well under a millisecond).
 * Node's crypto makes the key; the OpenSSH encoding is done here because
 * ssh2's own generator (1.17) drops a leading zero byte of the public key
 * about once in 256 keys and then cannot read its own output.
 */
export function generateEd25519Key(comment = ""): KeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  const seed = Buffer.from(jwk.d ?? "", "base64url");
  const pub = Buffer.from(jwk.x ?? "", "base64url");
  if (seed.length !== 32 || pub.length !== 32) throw new Error("unexpected ed25519 key size");
  const publicBlob = Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
  const check = randomBytes(4);
  let secret = Buffer.concat([
    check,
    check,
    sshString("ssh-ed25519"),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const pad = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "latin1"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    uint32(1),
    sshString(publicBlob),
    sshString(secret),
  ]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${publicBlob.toString("base64")}${comment ? ` ${comment}` : ""}`,
  };
}

/**
 * A fresh ECDSA key pair on nistp256, for clients that cannot verify ed25519
 * host keys (JSch 0.1.55). The private key is PEM (SEC1), which ssh2 and
 * OpenSSH read; the public key is one OpenSSH line.
 */
export function generateEcdsaKey(comment = ""): KeyPair {
  const { privateKey } = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    privateKeyEncoding: { type: "sec1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKey, publicKey: `${publicKeyLine(privateKey)}${comment ? ` ${comment}` : ""}` };
}

function uint32(n: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(n);
  return buf;
}

function sshString(value: string | Buffer): Buffer {
  const data = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return Buffer.concat([uint32(data.length), data]);
}

/** Parses one key (private or public, OpenSSH or PEM); throws with a readable message. */
export function parseSshKey(text: string | Buffer, what = "key"): ParsedKey {
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error) throw new Error(`${what}: ${parsed.message}`);
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : parsed;
  if (!key) throw new Error(`${what}: no key found`);
  return key;
}

/** "ssh-ed25519 AAAA…" (type and base64 blob, no comment) of a private or public key. */
export function publicKeyLine(key: string | Buffer | ParsedKey): string {
  const parsed = typeof key === "string" || Buffer.isBuffer(key) ? parseSshKey(key) : key;
  return `${parsed.type} ${parsed.getPublicSSH().toString("base64")}`;
}

/** The public key blob (wire format) of a public key line, or undefined if it is not one. */
export function publicKeyBlob(line: string): Buffer | undefined {
  const key = keyOfAuthorizedLine(line);
  return key?.getPublicSSH();
}

const KEY_TYPE =
  /(?:^|\s)((?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)\s+[A-Za-z0-9+/=]+(?:\s.*)?)$/;

/**
 * The key of one authorized_keys line, or undefined for blank lines, comments
 * and lines that hold no key ssh2 can parse. Options in front of the key
 * (from="…", command="…", restrict) are skipped, and NOT enforced.
 */
export function keyOfAuthorizedLine(line: string): ParsedKey | undefined {
  const text = line.trim();
  if (!text || text.startsWith("#")) return undefined;
  const direct = utils.parseKey(text);
  if (!(direct instanceof Error)) return Array.isArray(direct) ? (direct[0] as ParsedKey | undefined) : direct;
  // Options before the key: find where the key type starts.
  const match = KEY_TYPE.exec(text);
  if (!match?.[1]) return undefined;
  const parsed = utils.parseKey(match[1]);
  if (parsed instanceof Error) return undefined;
  return Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : parsed;
}

/** Every key in an authorized_keys text; lines without a key are skipped. */
export function parseAuthorizedKeys(text: string): ParsedKey[] {
  const keys: ParsedKey[] = [];
  for (const line of text.split(/\r?\n/)) {
    const key = keyOfAuthorizedLine(line);
    if (key) keys.push(key);
  }
  return keys;
}

/** The authorized key whose public blob equals `blob`, if any. */
export function findAuthorizedKey(text: string, blob: Buffer): ParsedKey | undefined {
  return parseAuthorizedKeys(text).find((key) => key.getPublicSSH().equals(blob));
}

/**
 * A known_hosts line for host:port. OpenSSH writes "[host]:port" for ports
 * other than 22.
 */
export function knownHostsLine(host: string, port: number, hostPublicKey: string): string {
  const name = port === 22 ? host : `[${host}]:${port}`;
  return `${name} ${publicKeyLine(hostPublicKey)}`;
}
