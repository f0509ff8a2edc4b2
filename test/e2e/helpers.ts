/**
 * @module test/e2e/helpers
 * Shared pieces of the end-to-end suites: a server on a free loopback port with test settings, and
 * polling until a condition holds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import { pocketSphinxMissing } from "../../src/services/stt/local/pocketsphinx-library.js";
import { fliteMissing } from "../../src/services/tts/local/flite-library.js";
import { type RunningServer, startServer } from "../../src/server/start.js";

export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer> {
  // Each server gets its own bot registry: servers in parallel test files must never recover each other's bots.
  const registryDir = env.BOT_REGISTRY_FILE ? undefined : mkdtempSync(join(tmpdir(), "bots-registry-"));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    BOT_CONNECT_TIMEOUT_MS: "10000",
    SHUTDOWN_TIMEOUT_MS: "5000",
    ...(registryDir ? { BOT_REGISTRY_FILE: join(registryDir, "bots.sqlite") } : {}),
    ...env,
  });
  const server = await startServer(config, { logger: silentLogger });
  return {
    ...server,
    async close() {
      await server.close();
      if (registryDir) rmSync(registryDir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits are upper bounds for a busy machine: a passing run never reaches them, so each is stretched
 * this many times to hold when other suites load both cores.
 */
const LOAD_ALLOWANCE = 3;

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs * LOAD_ALLOWANCE;
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

/** Why the local speech engines these suites talk through cannot run here, or undefined when they can. */
export function localSpeechMissing(): string | undefined {
  return pocketSphinxMissing() ?? fliteMissing();
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
