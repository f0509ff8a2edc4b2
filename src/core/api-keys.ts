/**
 * @module core/api-keys
 * The server's API keys. `SPEAKING_BOTS_API_KEYS` lists them comma-separated, each either a bare
 * key or `name:key`; every key is one tenant, named by its name or by a short hash of the key.
 * Keys are kept only as SHA-256 digests and compared in constant time, so neither the comparison's
 * timing nor a heap dump of the verifier gives a key away.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export interface ApiKey {
  /** The tenant this key stands for: its name, or `key-` and a short hash of the key. */
  tenant: string;
  key: string;
}

/** Shorter keys are refused: they can be guessed. */
export const MIN_KEY_LENGTH = 16;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const KEY = /^[\x21-\x7e]+$/;

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Parses the variable; every problem is named without repeating the key itself. */
export function parseApiKeys(text: string | undefined): { keys: ApiKey[]; problems: string[] } {
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  const entries = (text ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(":");
    const name = colon === -1 ? undefined : entry.slice(0, colon).trim();
    const key = colon === -1 ? entry : entry.slice(colon + 1).trim();
    if (name !== undefined && !NAME.test(name)) {
      problems.push(`${where}: the tenant name before ":" must be 1-64 letters, digits, "_", "." or "-"`);
      return;
    }
    if (key.length < MIN_KEY_LENGTH || !KEY.test(key)) {
      problems.push(`${where}${name ? ` (${name})` : ""}: a key needs at least ${MIN_KEY_LENGTH} printable characters without spaces`);
      return;
    }
    keys.push({ tenant: name ?? `key-${digest(key).toString("hex").slice(0, 8)}`, key });
  });
  const tenants = keys.map((entry) => entry.tenant);
  for (const tenant of new Set(tenants.filter((value, index) => tenants.indexOf(value) !== index))) problems.push(`tenant ${tenant} is listed twice`);
  if (new Set(keys.map((entry) => entry.key)).size !== keys.length) problems.push("the same key is listed twice");
  return { keys, problems };
}

/** Tells which tenant a presented key belongs to. */
export class ApiKeyVerifier {
  private readonly digests: { tenant: string; digest: Buffer }[];

  constructor(keys: readonly ApiKey[]) {
    this.digests = keys.map((entry) => ({ tenant: entry.tenant, digest: digest(entry.key) }));
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  get tenants(): string[] {
    return this.digests.map((entry) => entry.tenant);
  }

  /** The tenant of `key`, or undefined. Every configured key is compared, match or not. */
  tenantOf(key: string): string | undefined {
    const given = digest(key);
    let found: string | undefined;
    for (const entry of this.digests) {
      if (timingSafeEqual(given, entry.digest) && found === undefined) found = entry.tenant;
    }
    return found;
  }
}
