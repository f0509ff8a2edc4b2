/**
 * @module test/e2e/helpers
 * Shared pieces of the end-to-end suites: a server on a free loopback port with test settings, and
 * polling until a condition holds.
 */
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import { type RunningServer, startServer } from "../../src/server/start.js";

export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", BOT_CONNECT_TIMEOUT_MS: "10000", SHUTDOWN_TIMEOUT_MS: "5000", ...env });
  return startServer(config, { logger: silentLogger });
}

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

/** Opens a built-in room as the room page does on a loopback server; returns its link (with its token). */
export async function openRoom(server: RunningServer, room?: string): Promise<string> {
  const response = await fetch(`${server.url}/meet/rooms`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(room ? { room } : {}),
  });
  if (response.status !== 201) throw new Error(`could not open room ${room ?? ""}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { link: string }).link;
}

/** The WebSocket URL a person's page opens for a room link. */
export function roomSocketUrl(link: string, name: string): string {
  const url = new URL(link);
  const token = url.searchParams.get("t") ?? "";
  return `${url.origin.replace(/^http/, "ws")}${url.pathname}/ws?name=${encodeURIComponent(name)}&t=${encodeURIComponent(token)}`;
}
