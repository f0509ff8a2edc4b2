/**
 * @module bench/harness
 * Shared benchmark plumbing: a server configured for measuring, statistics, and waiting.
 */
import { loadConfig } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { type RunningServer, startServer } from "../src/server/start.js";
import { percentile } from "../src/util/percentile.js";

/**
 * Server settings a bench takes from its shell, to measure a variant: `VAD_THREADS=2` scores the VAD
 * in worker threads, `HEAP_GROWTH_PERCENT=50` trades less memory for more full collections.
 */
export function settingsFromShell(): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const name of ["VAD_THREADS", "HEAP_GROWTH_PERCENT"]) {
    const value = process.env[name];
    if (value !== undefined) settings[name] = value;
  }
  return settings;
}

export async function benchServer(env: Record<string, string>): Promise<RunningServer> {
  // Scale steps launch up to 100 bots in seconds: the server's caps and launch rate must not be what is measured.
  const config = loadConfig({
    PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", BOT_CONNECT_TIMEOUT_MS: "30000", SHUTDOWN_TIMEOUT_MS: "20000",
    MAX_BOTS: "1000", RATE_LIMIT_BOTS_PER_MINUTE: "0", BOT_REGISTRY_FILE: ":memory:",
    ...settingsFromShell(),
    ...env,
  });
  return startServer(config, { logger: silentLogger });
}

export interface Stats {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  mean: number | null;
}

export function stats(values: number[], digits = 1): Stats {
  const scale = 10 ** digits;
  const round = (v: number | null) => (v === null ? null : Math.round(v * scale) / scale);
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  return { count: values.length, p50: round(percentile(values, 0.5)), p95: round(percentile(values, 0.95)), p99: round(percentile(values, 0.99)), mean: round(mean) };
}

/** A Google Meet address of its own for bot `n`: bots in one meeting share a floor, and the
 * throughput benches measure independent bots, one per meeting. */
export function benchMeetingUrl(section: "ovrh" | "scal" | "memc", n: number): string {
  const letters = [2, 1, 0].map((power) => String.fromCharCode(97 + (Math.floor(n / 26 ** power) % 26))).join("");
  return `https://meet.google.com/bch-${section}-${letters}`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(25);
  }
  return false;
}
