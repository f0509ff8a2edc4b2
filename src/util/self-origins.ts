/**
 * @module util/self-origins
 * The origins this server answers as: its BASE_URL, an open tunnel, and its own listening address
 * (127.0.0.1, localhost and [::1] with its port, or every local interface when it listens on all).
 * They come from configuration and the socket, never from a request's Host header, so a page served
 * from another site (or a rebound DNS name) can never pass for this server. Built-in room links and
 * the room sockets' Origin check both rely on it.
 */
import { networkInterfaces } from "node:os";

export interface SelfOriginOptions {
  /** The interface the server listens on (HOST). */
  host: string;
  baseUrl: string | undefined;
  tunnelUrl?: () => string | undefined;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost", "[::1]"]);
const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]", ""]);

/** Whether HOST keeps the server on this machine only. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function hostPart(address: string): string {
  return address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
}

/** The address this server reaches itself on: its HOST, or 127.0.0.1 when it listens on every interface. */
export function ownAddress(host: string, port: number): string {
  const name = WILDCARD_HOSTS.has(host.toLowerCase()) ? "127.0.0.1" : hostPart(host);
  return `http://${name}:${port}`;
}

/** The origin of a URL string, or undefined when it does not parse. */
export function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

export class SelfOrigins {
  private port: number | undefined;
  private listeningOrigins: string[] = [];

  constructor(private readonly options: SelfOriginOptions) {}

  /** Called once the server listens and its port is known. */
  listening(port: number): void {
    this.port = port;
    const hosts = new Set(["127.0.0.1", "localhost", "[::1]"]);
    const host = this.options.host.toLowerCase();
    if (WILDCARD_HOSTS.has(host)) {
      for (const list of Object.values(networkInterfaces())) for (const entry of list ?? []) hosts.add(hostPart(entry.address.split("%")[0] ?? ""));
    } else hosts.add(hostPart(host));
    this.listeningOrigins = [...hosts].flatMap((name) => originOf(`http://${name}:${port}`) ?? []);
  }

  get isLoopback(): boolean {
    return isLoopbackHost(this.options.host);
  }

  /** Where people reach this server: BASE_URL, else an open tunnel, else its loopback address. */
  get publicBase(): string {
    const configured = this.options.baseUrl ?? this.options.tunnelUrl?.();
    if (configured) return configured.replace(/\/+$/, "");
    return this.port === undefined ? "" : `http://127.0.0.1:${this.port}`;
  }

  /** Every origin this server answers as, right now. */
  list(): string[] {
    const configured = [this.options.baseUrl, this.options.tunnelUrl?.()].flatMap((url) => (url ? (originOf(url) ?? []) : []));
    return [...new Set([...configured, ...this.listeningOrigins])];
  }

  /** Whether an Origin header value or URL belongs to this server. */
  has(originOrUrl: string): boolean {
    const origin = originOf(originOrUrl);
    return origin !== undefined && this.list().includes(origin);
  }
}
