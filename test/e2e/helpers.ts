/**
 * @module test/e2e/helpers
 * Shared pieces of the end-to-end suites: a server on a free loopback port with test settings, and
 * polling until a condition holds.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import { type RunningServer, startServer } from "../../src/server/start.js";

export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer> {
  // Each server gets its own bot registry: servers in parallel test files must never recover each other's bots.
  const registry = join(mkdtempSync(join(tmpdir(), "bots-registry-")), "bots.sqlite");
  const config = loadConfig({
    PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", BOT_CONNECT_TIMEOUT_MS: "10000", SHUTDOWN_TIMEOUT_MS: "5000", BOT_REGISTRY_FILE: registry, ...env,
  });
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
