/**
 * @module net/safe-fetch
 * Fetches a URL that a request chose, without letting the request reach this server's own network:
 * http(s) only, the host resolved once and pinned (see pinned-origin), redirects followed by hand
 * and each new target checked the same way, caller headers dropped when a redirect leaves the
 * origin, a deadline, and a cap on the bytes read. Headers are never logged or echoed in errors.
 */
import { Headers, type HeadersInit, fetch as undiciFetch } from "undici";
import { errorMessage } from "../core/errors.js";
import type { AddressPolicy } from "./address-policy.js";
import { FetchFailedError, FetchRefusedError, type PinnedOrigin, type Resolver, pinOrigin } from "./pinned-origin.js";

export interface SafeFetchOptions {
  policy: AddressPolicy;
  headers?: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
  accept?: string;
  resolve?: Resolver;
}

export interface FetchedDocument {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  contentType: string;
  body: Buffer;
  /** The document was longer than `maxBytes` and was cut there. */
  truncated: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** GETs a document; throws FetchRefusedError (the target is not allowed) or FetchFailedError. */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<FetchedDocument> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let target = new URL(url);
  let headers = options.headers ?? {};
  for (let hop = 0; ; hop++) {
    const pinned = await pinOrigin(target, options.policy, options.resolve);
    try {
      const sent = new Headers(headers);
      if (!sent.has("accept")) sent.set("accept", options.accept ?? "*/*");
      const response = await request(target, pinned, sent, signal, options.timeoutMs);
      const location = response.headers.get("location");
      if (REDIRECTS.has(response.status) && location) {
        await response.body?.cancel();
        if (hop >= (options.maxRedirects ?? 5)) throw new FetchFailedError(`more than ${options.maxRedirects ?? 5} redirects`);
        const next = new URL(location, target);
        // Secrets meant for one origin never follow a redirect to another.
        if (next.origin !== target.origin) headers = {};
        target = next;
        continue;
      }
      if (response.status >= 400) {
        await response.body?.cancel();
        throw new FetchFailedError(`answered HTTP ${response.status}`);
      }
      const { body, truncated } = await readCapped(response.body, options.maxBytes, signal, options.timeoutMs);
      return { url: target.href, status: response.status, contentType: response.headers.get("content-type") ?? "", body, truncated };
    } finally {
      await pinned.close();
    }
  }
}

async function request(target: URL, pinned: PinnedOrigin, headers: HeadersInit, signal: AbortSignal, timeoutMs: number) {
  try {
    return await undiciFetch(target, { headers, redirect: "manual", signal, dispatcher: pinned.dispatcher });
  } catch (error) {
    throw asFetchFailure(error, signal, timeoutMs);
  }
}

async function readCapped(
  body: { getReader(): ReadableStreamDefaultReader<Uint8Array> } | null,
  maxBytes: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  if (!body) return { body: Buffer.alloc(0), truncated: false };
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { body: Buffer.concat(chunks), truncated: false };
      chunks.push(Buffer.from(value));
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return { body: Buffer.concat(chunks).subarray(0, maxBytes), truncated: true };
      }
    }
  } catch (error) {
    throw asFetchFailure(error, signal, timeoutMs);
  } finally {
    reader.releaseLock();
  }
}

function asFetchFailure(error: unknown, signal: AbortSignal, timeoutMs: number): Error {
  if (error instanceof FetchRefusedError || error instanceof FetchFailedError) return error;
  if (signal.aborted) return new FetchFailedError(`did not answer within ${Math.round(timeoutMs / 100) / 10} s`);
  const cause = (error as { cause?: unknown }).cause;
  return new FetchFailedError(`could not be fetched: ${errorMessage(cause ?? error)}`);
}
