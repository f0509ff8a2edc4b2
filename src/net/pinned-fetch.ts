/**
 * @module net/pinned-fetch
 * A `fetch` bound to one origin for a long-lived client (an MCP session): the host is resolved and
 * checked once, every request goes to those addresses, and a request or redirect to any other
 * origin is refused rather than followed.
 */
import { fetch as undiciFetch } from "undici";
import type { AddressPolicy } from "./address-policy.js";
import { FetchRefusedError, type Resolver, pinOrigin } from "./pinned-origin.js";

export type FetchFunction = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface PinnedFetch {
  fetch: FetchFunction;
  /** The allowlist opened this origin (it may be private). */
  allowlisted: boolean;
  close(): Promise<void>;
}

export async function createPinnedFetch(url: URL, policy: AddressPolicy, resolve?: Resolver): Promise<PinnedFetch> {
  const pinned = await pinOrigin(url, policy, resolve);
  const fetch: FetchFunction = async (input, init) => {
    const target = new URL(input);
    if (target.origin !== pinned.origin) throw new FetchRefusedError(`a request to ${target.origin} left the pinned origin ${pinned.origin}`);
    // undici's fetch and the global one speak the same WHATWG types; only their TypeScript names differ.
    const response = await undiciFetch(target, { ...(init as object), redirect: "manual", dispatcher: pinned.dispatcher });
    return response as unknown as Response;
  };
  return { fetch, allowlisted: pinned.allowlisted, close: () => pinned.close() };
}
