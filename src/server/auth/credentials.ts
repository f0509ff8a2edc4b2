/**
 * @module server/auth/credentials
 * Finds the API key a request presents: `Authorization: Bearer <key>` first, then `x-api-key`.
 * Keys are read from headers only, never from the query string, so they stay out of access logs.
 */
import type { IncomingHttpHeaders } from "node:http";

export type PresentedCredential =
  | { kind: "none" }
  | { kind: "key"; key: string; header: "Authorization" | "x-api-key" }
  | { kind: "malformed"; header: "Authorization" | "x-api-key"; problem: string };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export function presentedCredential(headers: IncomingHttpHeaders): PresentedCredential {
  const authorization = headers.authorization?.trim();
  const apiKeyHeader = headers["x-api-key"];
  const apiKey = (Array.isArray(apiKeyHeader) ? apiKeyHeader.join(",") : apiKeyHeader)?.trim();
  if (authorization) {
    const bearer = BEARER.exec(authorization);
    if (bearer?.[1]) return { kind: "key", key: bearer[1], header: "Authorization" };
    // Another scheme (Basic, …) may be meant for a proxy in front; x-api-key can still identify.
    if (!apiKey) return { kind: "malformed", header: "Authorization", problem: "the Authorization header must read `Bearer <key>`" };
  }
  if (apiKey) {
    if (/\s|,/.test(apiKey)) return { kind: "malformed", header: "x-api-key", problem: "the x-api-key header must hold exactly one key" };
    return { kind: "key", key: apiKey, header: "x-api-key" };
  }
  return { kind: "none" };
}
