/**
 * @module server/auth/caller
 * Who sent a request, as the authentication hook found out: the tenant behind its key, whether it
 * may see what key holders see, and whether its bots may use the server's own MeetingBaas key.
 */
import type { FastifyRequest } from "fastify";

export interface Caller {
  /** The tenant whose key the request carried; undefined without one (or with authentication off). */
  tenant: string | undefined;
  /** Sees what a key holder sees: authentication is off, or the request carried a valid key. */
  identified: boolean;
  /** Bots this caller sends may be billed to the server's MEETING_BAAS_API_KEY. */
  mayUseServerMeetingKey: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/** The caller of a request that went through the authentication hook. */
export function callerOf(request: FastifyRequest): Caller {
  // Every route is behind the hook; a request without a caller is a wiring bug, never "anyone".
  if (!request.caller) throw new Error(`request ${request.id} reached ${request.url.split("?")[0]} without authentication`);
  return request.caller;
}
