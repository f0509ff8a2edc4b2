/**
 * @module bots/websocket-url
 * Decides the public WebSocket base a meeting provider dials to reach us, in this order: the
 * request's `websocket_url`, the `BASE_URL` setting, a running tunnel, then the Host and
 * X-Forwarded-* headers of the request itself. Header values are checked first: a malformed one is
 * a 400 naming the header, never an exception from `new URL`.
 */
import { randomBytes } from "node:crypto";
import { AppError } from "../core/errors.js";

export interface WebSocketBaseSources {
  requestOverride: string | undefined;
  baseUrl: string | undefined;
  tunnelUrl: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Whether the request arrived over TLS (used when no forwarded protocol is given). */
  encrypted: boolean;
}

export interface ResolvedBase {
  base: string;
  source: "request" | "BASE_URL" | "tunnel" | "headers";
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`, as a Host header may carry. */
const HOST_HEADER = /^(\[[0-9a-f:.]{2,45}\]|[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*\.?)(?::(\d{1,5}))?$/i;
const PROTOCOLS = new Set(["http", "https", "ws", "wss"]);

function checkedHost(value: string, header: string): string {
  const match = value.length <= 255 ? value.match(HOST_HEADER) : null;
  if (!match || Number(match[2] ?? 0) > 65535) {
    throw new AppError("VALIDATION_FAILED", `header ${header}: not a host name with an optional port`);
  }
  return value;
}

function toWebSocketBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError("VALIDATION_FAILED", "websocket_url: not a valid URL");
  }
  if (parsed.protocol === "http:") parsed.protocol = "ws:";
  if (parsed.protocol === "https:") parsed.protocol = "wss:";
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw?.split(",")[0]?.trim() || undefined;
}

export function resolveWebSocketBase(sources: WebSocketBaseSources): ResolvedBase {
  if (sources.requestOverride) return { base: toWebSocketBase(sources.requestOverride), source: "request" };
  if (sources.baseUrl) return { base: toWebSocketBase(sources.baseUrl), source: "BASE_URL" };
  if (sources.tunnelUrl) return { base: toWebSocketBase(sources.tunnelUrl), source: "tunnel" };
  const forwardedHost = firstHeader(sources.headers["x-forwarded-host"]);
  const plainHost = firstHeader(sources.headers.host);
  const host = forwardedHost ? checkedHost(forwardedHost, "x-forwarded-host") : plainHost ? checkedHost(plainHost, "host") : "127.0.0.1";
  const forwardedProto = firstHeader(sources.headers["x-forwarded-proto"])?.toLowerCase();
  if (forwardedProto !== undefined && !PROTOCOLS.has(forwardedProto)) {
    throw new AppError("VALIDATION_FAILED", "header x-forwarded-proto: must be http or https");
  }
  const proto = forwardedProto ?? (sources.encrypted ? "https" : "http");
  return { base: toWebSocketBase(`${proto === "https" || proto === "wss" ? "https" : "http"}://${host}`), source: "headers" };
}

/** An id nobody can guess: it is the only secret in the stream URL the provider dials. */
export function newClientId(): string {
  return randomBytes(18).toString("base64url");
}

export function streamUrl(base: string, clientId: string): string {
  return `${base}/ws/${clientId}`;
}
