/**
 * @module meeting/attendee/attendee-signature
 * Attendee signs each webhook with its project's secret: header `X-Webhook-Signature` is the base64
 * HMAC-SHA256, keyed with the base64-decoded secret, of the payload's canonical JSON — keys sorted
 * at every level, no spaces, non-ASCII kept as it is. The canonical text is rebuilt from the parsed
 * body, as Attendee's own examples do (numbers are written the way JSON.stringify writes them;
 * Attendee's payloads carry whole-number timestamps, which both sides write alike).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The payload with its keys sorted at every level, as compact JSON. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    // Plain code-unit order, which is what Python's sort_keys uses for these ASCII keys.
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

/** The secret's key bytes, or undefined when it is not base64. */
export function attendeeSecretKey(secret: string): Buffer | undefined {
  const trimmed = secret.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, "base64");
  return key.length > 0 ? key : undefined;
}

/** The signature Attendee puts on this payload; exported so the local stand-in signs the same way. */
export function signAttendeePayload(key: Buffer, payload: unknown): string {
  return createHmac("sha256", key).update(canonicalJson(payload), "utf8").digest("base64");
}

export function attendeeSignatureMatches(key: Buffer, payload: unknown, header: string | string[] | undefined): boolean {
  if (typeof header !== "string" || header.length === 0 || header.length > 200) return false;
  const expected = Buffer.from(signAttendeePayload(key, payload));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
