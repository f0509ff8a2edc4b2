/**
 * @module net/pinned-origin
 * Resolves a URL's host once, checks every address against the address policy, and returns an
 * HTTP dispatcher that can only ever connect to those addresses: a DNS answer that changes after
 * the check (DNS rebinding) is never consulted again.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupAddress } from "node:dns";
import { isIP } from "node:net";
import { Agent } from "undici";
import { type AddressPolicy, bareHost } from "./address-policy.js";

/** A request's URL or target that the policy does not allow: the caller answers 400. */
export class FetchRefusedError extends Error {
  override readonly name = "FetchRefusedError";
}

/** The target was allowed but could not be reached or answered badly: the caller answers 502. */
export class FetchFailedError extends Error {
  override readonly name = "FetchFailedError";
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface PinnedOrigin {
  readonly origin: string;
  readonly addresses: readonly LookupAddress[];
  /** The allowlist opened this host (it may be private; plain-HTTP headers are acceptable). */
  readonly allowlisted: boolean;
  readonly dispatcher: Agent;
  close(): Promise<void>;
}

/** Why a URL given by a caller may not be fetched at all, before any DNS: scheme, credentials, host. */
export function urlShapeProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute http:// or https:// URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must use http:// or https://";
  if (url.username || url.password) return "must not carry credentials (user:password@); send them in headers";
  if (!url.hostname) return "must name a host";
  return undefined;
}

export async function pinOrigin(url: URL, policy: AddressPolicy, resolve: Resolver = systemResolver): Promise<PinnedOrigin> {
  const problem = urlShapeProblem(url.href);
  if (problem) throw new FetchRefusedError(problem);
  const host = bareHost(url.hostname);
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolveHost(host, resolve);
  const byName = policy.allowsHostName(host);
  for (const { address } of addresses) {
    const refusal = byName ? undefined : policy.refusalFor(address);
    if (refusal) {
      const what = host === address ? `${address} is ${refusal}` : `${host} resolves to ${address}, ${refusal}`;
      throw new FetchRefusedError(`${what}, which this server does not fetch (FETCH_ALLOW_HOSTS can open it)`);
    }
  }
  const dispatcher = new Agent({
    connect: {
      // Every connection of this agent goes to the checked addresses, whatever name it asks for.
      lookup: (_hostname, options, callback) => {
        const all = typeof options === "object" && options !== null && (options as { all?: boolean }).all;
        if (all) (callback as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
        else (callback as (error: null, address: string, family: number) => void)(null, addresses[0]!.address, addresses[0]!.family);
      },
    },
  });
  return {
    origin: url.origin,
    addresses,
    allowlisted: byName || addresses.every(({ address }) => policy.isAllowlisted(host, address)),
    dispatcher,
    close: () => dispatcher.close(),
  };
}

async function resolveHost(host: string, resolve: Resolver): Promise<LookupAddress[]> {
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw new FetchRefusedError(`host ${host} could not be resolved (${(error as NodeJS.ErrnoException).code ?? "DNS error"})`);
  }
  if (!addresses.length) throw new FetchRefusedError(`host ${host} has no address`);
  return addresses;
}
