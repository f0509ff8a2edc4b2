/**
 * @module util/webhook-signature
 * Checks the signature MeetingBaas v2 puts on its webhooks, which are delivered through Svix:
 * headers `svix-id`, `svix-timestamp` (Unix seconds) and `svix-signature` (space-separated
 * `v1,<base64>` entries). Each entry is the base64 HMAC-SHA256 of `${id}.${timestamp}.${raw body}`
 * keyed with the secret's bytes (the base64 text after `whsec_`). A timestamp more than five minutes
 * off is refused, so a captured request cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export interface SignedDelivery {
  id: string | string[] | undefined;
  timestamp: string | string[] | undefined;
  signature: string | string[] | undefined;
  /** The request body exactly as received. */
  body: string;
}

export type SignatureCheck = { ok: true; id: string } | { ok: false; reason: string };

/** The key bytes of a `whsec_…` secret, or undefined when it is not valid base64. */
export function signingKey(secret: string): Buffer | undefined {
  const encoded = secret.trim().replace(/^whsec_/, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const key = Buffer.from(encoded, "base64");
  return key.length > 0 ? key : undefined;
}

/** The `v1,<base64>` signature of a delivery; exported so tests sign exactly as the provider does. */
export function signDelivery(key: Buffer, id: string, timestamp: string, body: string): string {
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" && value.length > 0 && value.length <= 2000 ? value : undefined;
}

export function verifyDelivery(key: Buffer, delivery: SignedDelivery, nowMs = Date.now()): SignatureCheck {
  const id = single(delivery.id);
  const timestamp = single(delivery.timestamp);
  const signature = single(delivery.signature);
  if (!id) return { ok: false, reason: "header svix-id: missing" };
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "header svix-timestamp: missing or not Unix seconds" };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, reason: "header svix-timestamp: more than 5 minutes away from the server's clock" };
  }
  if (!signature) return { ok: false, reason: "header svix-signature: missing" };
  const expected = Buffer.from(signDelivery(key, id, timestamp, delivery.body));
  const matches = signature.split(" ").some((entry) => {
    const given = Buffer.from(entry);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true, id } : { ok: false, reason: "header svix-signature: no v1 signature matches the body" };
}
