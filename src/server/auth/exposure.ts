/**
 * @module server/auth/exposure
 * Who may reach the server, decided once at start-up. With API keys every caller is a tenant.
 * Without keys the server is open to anyone who can connect, which is acceptable only on a
 * loopback interface, or on another interface when the operator says so explicitly.
 */
import { isIPv4, isIPv6 } from "node:net";
import type { Config } from "../../config.js";

export type AccessMode =
  /** Every route but the public ones needs a key. */
  | { kind: "keys"; tenants: string[] }
  /** No keys, loopback only: callers are the machine's own users, as trusted as the operator. */
  | { kind: "loopback" }
  /** No keys on a reachable interface, allowed explicitly: callers may not spend the server's MeetingBaas key. */
  | { kind: "anonymous" };

/** Whether `host` (a listen address or name) only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost") return true;
  if (isIPv4(bare)) return bare.startsWith("127.");
  if (isIPv6(bare)) return bare === "::1" || /^::ffff:127\./.test(bare) || /^(0{1,4}:){7}0{0,3}1$/.test(bare);
  return false;
}

export class AnonymousExposureError extends Error {
  constructor(where: string) {
    super(
      `Refusing to start on ${where} without API keys: anyone who can reach it could send bots billed to this server's keys ` +
        "and remove other people's bots. Set SPEAKING_BOTS_API_KEYS (see docs/deploy.md), listen on 127.0.0.1 without a tunnel, " +
        "or start with --allow-anonymous (ALLOW_ANONYMOUS=true) if everyone who can reach it is trusted.",
    );
    this.name = "AnonymousExposureError";
  }
}

export interface Exposure {
  /** A public tunnel (`serve --local-dev`) forwards the internet to a loopback HOST. */
  tunnel?: boolean;
}

/** The access mode for `config`; throws AnonymousExposureError when the server must not start. */
export function accessMode(config: Pick<Config, "SPEAKING_BOTS_API_KEYS" | "HOST" | "ALLOW_ANONYMOUS">, exposure: Exposure = {}): AccessMode {
  if (config.SPEAKING_BOTS_API_KEYS.length > 0) return { kind: "keys", tenants: config.SPEAKING_BOTS_API_KEYS.map((entry) => entry.tenant) };
  if (!exposure.tunnel && isLoopbackHost(config.HOST)) return { kind: "loopback" };
  if (config.ALLOW_ANONYMOUS) return { kind: "anonymous" };
  throw new AnonymousExposureError(exposure.tunnel ? `${config.HOST} behind a public tunnel` : config.HOST);
}

/** One sentence for the start-up log and banner. */
export function describeAccess(mode: AccessMode, host: string): { level: "info" | "warn"; message: string } {
  switch (mode.kind) {
    case "keys":
      return { level: "info", message: `API keys required (Authorization: Bearer or x-api-key); tenants: ${mode.tenants.join(", ")}` };
    case "loopback":
      return { level: "info", message: `No API keys: open to anyone on this machine only (${host} is loopback); set SPEAKING_BOTS_API_KEYS before exposing it` };
    case "anonymous":
      return {
        level: "warn",
        message: `No API keys and --allow-anonymous: anyone who reaches ${host} may send and remove bots; callers must bring their own MeetingBaas key`,
      };
  }
}
