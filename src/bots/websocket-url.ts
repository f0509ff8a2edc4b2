/**
 * @module bots/websocket-url
 * Decides the public WebSocket base a meeting provider dials to reach us, in this order: the
 * request's `websocket_url`, the `BASE_URL` setting, a running tunnel, then the Host and
 * X-Forwarded-* headers of the request itself.
 */
import { randomBytes } from "node:crypto";

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

function toWebSocketBase(url: string): string {
  const parsed = new URL(url);
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
  const host = firstHeader(sources.headers["x-forwarded-host"]) ?? firstHeader(sources.headers.host) ?? "127.0.0.1";
  const proto = firstHeader(sources.headers["x-forwarded-proto"]) ?? (sources.encrypted ? "https" : "http");
  return { base: toWebSocketBase(`${proto === "https" || proto === "wss" ? "https" : "http"}://${host}`), source: "headers" };
}

/** An id nobody can guess: it is the only secret in the stream URL the provider dials. */
export function newClientId(): string {
  return randomBytes(18).toString("base64url");
}

export function streamUrl(base: string, clientId: string): string {
  return `${base}/ws/${clientId}`;
}
