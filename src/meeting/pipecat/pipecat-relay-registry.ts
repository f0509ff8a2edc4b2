/**
 * @module meeting/pipecat/pipecat-relay-registry
 * The relays waiting for (or connected to) their external Pipecat pipeline, found by the secret in
 * `/pipecat/{token}`. A token is 32 random bytes in base64url, handed once to the bot's creator and
 * never derived from the public bot id or the client id. Relays are filed under a SHA-256 digest of
 * their token and the digest is compared in constant time, so neither the lookup nor the compare
 * leaks how much of a guessed token was right.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { PipecatRelay } from "./pipecat-relay.js";

const TOKEN_BYTES = 32;
/** Exactly what `createPipecatToken` produces: 43 base64url characters. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function createPipecatToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

interface Entry {
  digest: Buffer;
  relay: PipecatRelay;
}

export class PipecatRelayRegistry {
  private readonly entries = new Map<string, Entry>();

  add(token: string, relay: PipecatRelay): void {
    const d = digest(token);
    this.entries.set(d.toString("hex"), { digest: d, relay });
  }

  remove(token: string): void {
    this.entries.delete(digest(token).toString("hex"));
  }

  /** The relay this token opens, if any. */
  find(token: string): PipecatRelay | undefined {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const d = digest(token);
    const entry = this.entries.get(d.toString("hex"));
    return entry && timingSafeEqual(entry.digest, d) ? entry.relay : undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}
